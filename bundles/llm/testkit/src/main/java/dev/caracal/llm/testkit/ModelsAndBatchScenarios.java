package dev.caracal.llm.testkit;

import static dev.caracal.llm.testkit.ProviderTests.assertBatchResults;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Batches with bounded concurrency (counted by the mock), the configured model list a provider falls back to when the
 * upstream cannot list its models, and embeddings where the provider has them.
 *
 * @param <M> the provider's chat model
 */
public abstract class ModelsAndBatchScenarios<M extends ChatModel & AutoCloseable> extends ProviderScenarios<M> {

    /** The configured bound of {@link #model()}'s concurrency. */
    protected static final int MAX_CONCURRENCY = 3;

    private static final String EMBEDDER = "my-embedder";

    protected ModelsAndBatchScenarios(ProviderUnderTest<M> provider) {
        super(provider);
    }

    /**
     * An embedding model the provider knows by its name alone, as configured ({@code name} or {@code name:size});
     * asked only of a provider with embeddings.
     */
    protected String configuredEmbeddingModel() {
        return null;
    }

    @Override
    protected Map<String, Object> modelConfiguration() {
        return Map.of("maxConcurrency", MAX_CONCURRENCY);
    }

    @Override
    protected List<Fixture> scenarioFixtures() {
        return List.of(
                Fixture.whenUserSays("batch item").reply("done").chaos(Chaos.latency(300)),
                failing("bad item", 400),
                Fixture.whenEmbeddingInput("kittens").embedding(3, 0, 4),
                Fixture.whenEmbeddingInput("flat").embedding(1, 0));
    }

    /** The models of a provider whose upstream cannot be reached, configured with {@code configuration}. */
    protected final List<ModelInfo> offlineModels(Map<String, Object> configuration) throws Exception {
        String deadBase = provider.baseUrl("http://127.0.0.1:" + ProviderTests.closedPort());
        try (M offline = provider.chatModel(deadBase, configuration, null)) {
            return offline.models();
        }
    }

    @Test
    void batchRespectsTheConcurrencyBound() throws Exception {
        upstream().resetStats();
        List<ChatRequest> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(ask("batch item " + i));
        }
        requests.add(2, ask("bad item"));
        List<CompletionStage<ChatResponse>> results = model().batch(requests, 2);
        assertEquals(7, results.size());
        assertBatchResults(results, 2, "done");
        // counted by the mock: never more than two of this batch in flight at once, and two did overlap
        assertEquals(2, upstream().stats().maxInFlight());
        assertEquals(7, upstream().stats().requests());
    }

    @Test
    void batchIsCappedByTheConfiguredConcurrency() throws Exception {
        upstream().resetStats();
        List<ChatRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(ask("batch item " + i));
        }
        for (CompletionStage<ChatResponse> r : model().batch(requests, 100)) {
            assertEquals(
                    "done", r.toCompletableFuture().get(30, TimeUnit.SECONDS).text());
        }
        assertTrue(
                upstream().stats().maxInFlight() <= MAX_CONCURRENCY,
                upstream().stats().toString());
        assertEquals(8, upstream().stats().requests());
    }

    @Test
    void fallsBackToTheConfiguredModels() throws Exception {
        String configured = provider.model() + ", my-local-model, " + provider.model();
        List<ModelInfo> models = offlineModels(Map.of("models", configured));
        assertEquals(
                List.of(provider.model(), "my-local-model"),
                models.stream().map(ModelInfo::id).toList(),
                "in order, each once");
        assertTrue(models.stream().allMatch(m -> m.providerId().equals(provider.providerId())));
    }

    @Test
    void theConfiguredEmbeddingModelsAreListedToo() throws Exception {
        assumeTrue(provider.hasEmbeddings(), provider.kind() + " has no embeddings API");
        String embedding = configuredEmbeddingModel();
        assertNotNull(embedding, "a provider with embeddings names one in configuredEmbeddingModel()");
        List<ModelInfo> models = offlineModels(Map.of("models", "my-local-model", "embeddingModels", embedding));
        assertEquals(
                List.of("my-local-model", embedding.split(":")[0]),
                models.stream().map(ModelInfo::id).toList());
        assertTrue(models.get(1).capabilities().embeddings());
    }

    @Test
    void embedsThroughTheEmbeddingsEndpoint() {
        assumeTrue(provider.hasEmbeddings(), provider.kind() + " has no embeddings API");
        EmbeddingModel embedder = provider.embeddingModel(model(), EMBEDDER, 3);
        assertEquals(provider.providerId() + "/" + EMBEDDER, embedder.name());
        assertEquals(3, embedder.dimension());
        upstream().clearJournal();
        Embeddings result = embedder.embed(List.of("kittens are cute"));
        assertEquals(1, result.vectors().size());
        // the mock answers (3, 0, 4); a model that says it answers unit vectors scales it
        float[] expected = embedder.normalized() ? new float[] {0.6f, 0f, 0.8f} : new float[] {3f, 0f, 4f};
        assertArrayEquals(expected, result.vectors().get(0), 1e-6f);
        List<JournalEntry> sent = upstream().journal("embed");
        assertEquals(1, sent.size(), sent.toString());
        assertEquals(EMBEDDER, sent.get(0).body().path("model").asText());
        assertEquals(List.of(), embedder.embed(List.of()).vectors());
        assertEquals(1, upstream().journal("embed").size(), "nothing to embed: no request");
    }

    @Test
    void aVectorOfAnotherSizeIsAnUpstreamError() {
        assumeTrue(provider.hasEmbeddings(), provider.kind() + " has no embeddings API");
        EmbeddingModel embedder = provider.embeddingModel(model(), EMBEDDER, 3);
        LlmException e = assertThrows(LlmException.class, () -> embedder.embed(List.of("flat")));
        assertEquals(ErrorKind.UPSTREAM, e.kind());
    }
}
