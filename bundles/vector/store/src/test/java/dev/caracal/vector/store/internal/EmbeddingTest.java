package dev.caracal.vector.store.internal;

import static dev.caracal.vector.store.internal.CollectionsAndRecordsTest.assertField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthStatus;
import dev.caracal.llm.LlmProperties;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.EmbeddingUnavailableException;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddingTest extends StoreTestSupport {
    final HashingEmbeddingModel model = new HashingEmbeddingModel("mini", 256);

    void bind() {
        store.bindEmbeddingModel(model, Map.of(LlmProperties.EMBEDDING_MODEL, "mini"));
    }

    void unbind() {
        store.unbindEmbeddingModel(model, Map.of(LlmProperties.EMBEDDING_MODEL, "mini"));
    }

    CollectionSpec spec(int dimension) {
        return new CollectionSpec("texts", dimension, Metric.COSINE, "mini", IndexSpec.FLAT_SPEC);
    }

    @Test
    void dimensionComesFromTheModel() {
        InvalidRequestException unknown =
                assertThrows(InvalidRequestException.class, () -> store.createCollection(spec(0)));
        assertEquals("embedding", unknown.field());
        assertTrue(
                unknown.getMessage().contains("no embedding model 'mini' is installed; none is"), unknown::getMessage);
        bind();
        assertField("dimension", () -> store.createCollection(spec(16)));
        assertEquals(256, store.createCollection(spec(0)).spec().dimension());
    }

    @Test
    void textIsEmbeddedInOneCallPerBatch() {
        bind();
        store.createCollection(spec(0));
        UpsertResult r = store.upsert(
                "texts",
                List.of(
                        new VectorRecord("1", null, Map.of(), "the quick brown fox", null),
                        new VectorRecord("2", null, Map.of(), "a lazy dog sleeps", null),
                        new VectorRecord(
                                "3",
                                HashingEmbeddingModel.vectorOf("given vector", 256),
                                Map.of(),
                                "ignored text",
                                null),
                        new VectorRecord("4", null, Map.of(), "quick brown foxes jump", null)));
        assertEquals(new UpsertResult(4, 0, 3), r);
        assertEquals(1, model.calls());
        assertEquals(3, model.inputs());
        assertEquals(
                "the quick brown fox", store.get("texts", "1").orElseThrow().text());
        var hits = store.search("texts", SearchRequest.ofText("quick brown fox", 2, null))
                .hits();
        assertEquals(List.of("1", "4"), hits.stream().map(h -> h.id()).toList());
    }

    @Test
    void modelLeavingFailsTextButNotVectorsThenWorksAgain() {
        bind();
        store.createCollection(spec(0));
        store.upsert("texts", List.of(new VectorRecord("1", null, null, "hello world", null)));
        assertEquals(HealthStatus.UP, store.check().status());

        unbind();
        EmbeddingUnavailableException e = assertThrows(
                EmbeddingUnavailableException.class,
                () -> store.upsert("texts", List.of(new VectorRecord("2", null, null, "more text", null))));
        assertEquals("mini", e.model());
        assertEquals(1, store.count("texts"), "nothing written");
        // a model that was here and left is a passing outage (503), not a client's mistake
        assertThrows(
                EmbeddingUnavailableException.class,
                () -> store.createCollection(
                        new CollectionSpec("more", 0, Metric.COSINE, "mini", IndexSpec.FLAT_SPEC)));
        assertThrows(
                EmbeddingUnavailableException.class,
                () -> store.search("texts", SearchRequest.ofText("hello", 1, null)));
        // vectors keep working
        float[] v = HashingEmbeddingModel.vectorOf("hello world", 256);
        store.upsert("texts", List.of(new VectorRecord("3", v, null, "with vector", null)));
        assertEquals(
                2,
                store.search("texts", SearchRequest.ofVector(v, 5, null)).hits().size());
        var health = store.check();
        assertEquals(HealthStatus.DEGRADED, health.status());
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) health.details().get("texts");
        assertEquals(false, details.get("embeddingModelAvailable"));

        bind();
        store.upsert("texts", List.of(new VectorRecord("2", null, null, "more text", null)));
        assertEquals(3, store.count("texts"));
        assertEquals(
                "1",
                store.search("texts", SearchRequest.ofText("hello world", 1, null))
                        .hits()
                        .get(0)
                        .id());
        assertEquals(HealthStatus.UP, store.check().status());
    }
}
