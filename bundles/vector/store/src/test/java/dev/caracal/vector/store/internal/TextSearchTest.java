package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthStatus;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Filter;
import dev.caracal.vector.Fusion;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.TextIndexUnavailableException;
import dev.caracal.vector.VectorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keyword and hybrid search through a text-index plugin: modes, fusion, filters, writes, plugin life cycle. */
class TextSearchTest extends StoreTestSupport {
    private final TestTextIndexFactory words = new TestTextIndexFactory();

    /** Five records on the x axis at increasing distance from (1, 0), with texts of varied word counts. */
    private void fill(String collection) {
        store.upsert(
                collection,
                List.of(
                        record("a", 1.0f, 0.0f, "red apple", "fruit"),
                        record("b", 0.9f, 0.1f, "green pear", "fruit"),
                        record("c", 0.5f, 0.5f, "red red cherry", "fruit"),
                        record("d", 0.0f, 1.0f, "red car red bus red", "vehicle"),
                        record("e", -1.0f, 0.0f, "blue sky", "other")));
    }

    private static VectorRecord record(String id, float x, float y, String text, String kind) {
        return new VectorRecord(id, new float[] {x, y}, Map.of("kind", kind), text, List.of());
    }

    private static List<String> ids(SearchResult r) {
        List<String> out = new ArrayList<>();
        for (SearchHit h : r.hits()) {
            out.add(h.id());
        }
        return out;
    }

    private void awaitText(String collection) {
        await(
                () -> {
                    CollectionInfo i = store.describe(collection);
                    return i.textIndex() != null && i.textIndex().status() == IndexStatus.READY;
                },
                "the text index");
    }

    @Test
    void keywordSearchRanksByTextAndHonoursFiltersAndWrites() {
        bindAll(words);
        create("t", 2, Metric.L2);
        fill("t");
        awaitText("t");
        SearchResult r = store.search("t", SearchRequest.keyword("red", 10, null));
        assertEquals(List.of("d", "c", "a"), ids(r));
        assertEquals(TestTextIndexFactory.TYPE, r.servedBy());
        assertEquals(3.0, r.hits().get(0).score(), 1e-6);
        assertEquals("red car red bus red", r.hits().get(0).text());

        r = store.search("t", SearchRequest.keyword("red", 10, new Filter.Eq("kind", "fruit")));
        assertEquals(List.of("c", "a"), ids(r));

        store.delete("t", List.of("c"));
        store.upsert("t", List.of(record("a", 1, 0, "plain apple", "fruit")));
        assertEquals(List.of("d"), ids(store.search("t", SearchRequest.keyword("red", 10, null))));
        assertEquals(List.of("a"), ids(store.search("t", SearchRequest.keyword("APPLE", 10, null))));
        assertEquals(List.of(), ids(store.search("t", SearchRequest.keyword("nothing-matches", 10, null))));
        assertEquals(4, words.last.size());
    }

    @Test
    void withoutATextPluginKeywordIsUnavailableAndHybridDegradesToVectors() {
        create("t", 2, Metric.L2);
        fill("t");
        assertNull(store.describe("t").textIndex());
        TextIndexUnavailableException e = assertThrows(
                TextIndexUnavailableException.class, () -> store.search("t", SearchRequest.keyword("red", 3, null)));
        assertTrue(e.getMessage().contains("caracal-vector-text-bm25"), e.getMessage());
        SearchResult r = store.search(
                "t", new SearchRequest(new float[] {1, 0}, "red", 2, null, SearchMode.HYBRID, null, false));
        assertTrue(r.degraded());
        assertEquals(List.of("a", "b"), ids(r));
        assertEquals(IndexSpec.FLAT, r.servedBy());
    }

    @Test
    void reciprocalRankFusionMergesBothRankings() {
        bindAll(words);
        create("t", 2, Metric.L2);
        fill("t");
        awaitText("t");
        // vector ranking from (1,0): a b c d e; keyword ranking for "red": d c a
        SearchResult r = hybrid(new float[] {1, 0}, "red", 5, new Fusion(Fusion.Method.RRF, 0.5, 60, 0));
        assertFalse(r.degraded());
        assertEquals("flat+" + TestTextIndexFactory.TYPE, r.servedBy());
        // a: 1/61 + 1/63 = .03227; d: 1/64 + 1/61 = .03202; c: 1/63 + 1/62 = .03200; b: 1/62; e: 1/65
        assertEquals(List.of("a", "d", "c", "b", "e"), ids(r));
        assertEquals(1.0 / 61 + 1.0 / 63, r.hits().get(0).score(), 1e-6);
    }

    @Test
    void weightedFusionNormalizesAndWeighs() {
        bindAll(words);
        create("t", 2, Metric.L2);
        fill("t");
        awaitText("t");
        float[] q = {1, 0};
        SearchResult vectorOnly = hybrid(q, "red", 3, new Fusion(Fusion.Method.WEIGHTED, 1.0, 60, 0));
        assertEquals(List.of("a", "b", "c"), ids(vectorOnly));
        assertEquals(1.0, vectorOnly.hits().get(0).score(), 1e-6);
        SearchResult keywordOnly = hybrid(q, "red", 3, new Fusion(Fusion.Method.WEIGHTED, 0.0, 60, 0));
        assertEquals("d", keywordOnly.hits().get(0).id());
        // alpha 0.5: a = 0.5*1 + 0.5*(1-1)/(3-1)=0.5; d = 0.5*(norm vec of d) + 0.5*1
        SearchResult half = hybrid(q, "red", 5, new Fusion(Fusion.Method.WEIGHTED, 0.5, 60, 0));
        assertEquals(5, half.hits().size());
        for (int i = 1; i < half.hits().size(); i++) {
            assertTrue(half.hits().get(i - 1).score() >= half.hits().get(i).score());
        }
        // a filter applies to both rankings
        SearchResult filtered = store.search(
                "t",
                new SearchRequest(
                        q, "red", 5, new Filter.Eq("kind", "vehicle"), SearchMode.HYBRID, null, false, Fusion.DEFAULT));
        assertEquals(List.of("d"), ids(filtered));
    }

    /** A hybrid search of collection {@code t}, unfiltered, fused as {@code fusion} says. */
    SearchResult hybrid(float[] vector, String text, int k, Fusion fusion) {
        return store.search("t", new SearchRequest(vector, text, k, null, SearchMode.HYBRID, null, false, fusion));
    }

    @Test
    void fusionParametersAreValidated() {
        assertThrows(InvalidRequestException.class, () -> new Fusion(Fusion.Method.WEIGHTED, 1.5, 60, 0));
        assertThrows(InvalidRequestException.class, () -> new Fusion(Fusion.Method.RRF, 0.5, 0, 0));
        assertThrows(InvalidRequestException.class, () -> new Fusion(null, 0.5, 60, 0));
    }

    @Test
    void thePluginCanLeaveAndComeBackAndIsResumedAfterARestart() {
        bindAll(words);
        create("t", 2, Metric.L2);
        fill("t");
        awaitText("t");
        store.unbindTextIndexFactory(words);
        CollectionInfo info = store.describe("t");
        assertEquals(IndexStatus.DEGRADED, info.textIndex().status());
        assertThrows(
                TextIndexUnavailableException.class, () -> store.search("t", SearchRequest.keyword("red", 3, null)));
        // writes while it is away reach it after it comes back
        store.upsert("t", List.of(record("f", 0, 0, "red wine", "fruit")));
        store.delete("t", List.of("d"));
        bindAll(words);
        awaitText("t");
        assertEquals(List.of("c", "a", "f"), ids(store.search("t", SearchRequest.keyword("red", 10, null))));
        TestTextIndexFactory.WordsIndex resumed = words.last;
        assertEquals(5, resumed.restoredOrdinals()); // persisted when the plugin left: ordinals 0..4
        assertEquals(1, resumed.adds.get()); // only the record written meanwhile was added

        restart(words);
        awaitText("t");
        assertEquals(6, words.last.restoredOrdinals());
        assertEquals(0, words.last.adds.get());
        assertEquals(List.of("c", "a", "f"), ids(store.search("t", SearchRequest.keyword("red", 10, null))));
    }

    /** After a restart, readiness waits for the text-index plugin of collections that had one, for a minute at most. */
    @Test
    void readinessWaitsForTheTextIndexOfACollectionThatHadOne() {
        bindAll(words);
        create("t", 2, Metric.L2);
        fill("t");
        awaitText("t");
        assertTrue(store.readiness());

        restart(); // the plugin's bundle has not started yet
        long[] now = {0};
        store.health.clock(() -> now[0]);
        store.health.started();
        assertFalse(store.readiness(), "keyword search would be refused");
        assertTrue(store.check().message().contains("waiting for the text index plugin of t"), store.check()::message);
        bindAll(words);
        awaitText("t");
        assertTrue(store.readiness());

        restart(); // and this time it never comes
        store.health.clock(() -> now[0]);
        store.health.started();
        assertFalse(store.readiness());
        now[0] += TimeUnit.SECONDS.toNanos(StoreHealth.TEXT_INDEX_WAIT_SECONDS);
        assertTrue(store.readiness(), "a plugin that never comes does not hold the store out of service");
        assertEquals(HealthStatus.DEGRADED, store.check().status());
        assertTrue(store.check().message().contains("no text index plugin attached"), store.check()::message);

        create("fresh", 2, Metric.L2); // a collection that never had a text index waits for nothing
        assertTrue(store.health.awaitingTextIndex().contains("t"));
        assertFalse(store.health.awaitingTextIndex().contains("fresh"));
    }

    @Test
    void aVectorIndexIsResumedAfterARestartAndCatchesUp() {
        TestIndexFactory plugin = new TestIndexFactory();
        bindAll(plugin);
        store.createCollection(
                new CollectionSpec("v", 4, Metric.L2, null, new IndexSpec(TestIndexFactory.TYPE, Map.of())));
        store.upsert("v", randomRecords(new java.util.Random(1), "r", 0, 500, 4));
        await(() -> store.describe("v").index().status() == IndexStatus.READY, "the index");
        restart(plugin);
        await(() -> store.describe("v").index().status() == IndexStatus.READY, "the index");
        assertEquals(500, plugin.last.restoredOrdinals());
        assertEquals(0, plugin.last.adds.get());
        assertEquals(500, plugin.last.size());

        // replaced and deleted records while the index is closed: the next open removes them and adds the new ones
        store.unbindIndexFactory(plugin, Map.of());
        store.upsert("v", randomRecords(new java.util.Random(2), "r", 0, 10, 4)); // replaces r0..r9
        store.delete("v", List.of("r10", "r11"));
        bindAll(plugin);
        await(() -> store.describe("v").index().status() == IndexStatus.READY, "the index");
        assertEquals(500, plugin.last.restoredOrdinals());
        assertEquals(10, plugin.last.adds.get());
        assertEquals(12, plugin.last.removes.get());
        assertEquals(498, plugin.last.size());
        float[] q = store.get("v", "r3").orElseThrow().vector();
        assertEquals("r3", nearest("v", q));

        // a rebuild starts from nothing
        store.rebuildIndex("v");
        await(() -> store.describe("v").index().status() == IndexStatus.READY, "the index");
        assertEquals(0, plugin.last.restoredOrdinals());
        assertEquals(498, plugin.last.adds.get());
        assertNotNull(store.describe("v").index());
    }
}
