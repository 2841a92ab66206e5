package dev.caracal.vector.store.internal;

import static dev.caracal.vector.store.internal.CollectionsAndRecordsTest.assertField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.math.VectorMath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SearchTest extends StoreTestSupport {

    /** Plain-Java reference: every record scored in double precision, best first. */
    static List<String> bruteForce(List<VectorRecord> records, float[] q, Metric metric, int k) {
        record Scored(String id, double score) {}
        List<Scored> all = new ArrayList<>();
        for (VectorRecord r : records) {
            all.add(new Scored(r.id(), reference(q, r.vector(), metric)));
        }
        all.sort(Comparator.comparingDouble(Scored::score).reversed());
        return all.subList(0, Math.min(k, all.size())).stream().map(Scored::id).toList();
    }

    static double reference(float[] q, float[] v, Metric metric) {
        double dot = 0;
        double nq = 0;
        double nv = 0;
        double l2 = 0;
        double l1 = 0;
        double min = 0;
        double max = 0;
        for (int i = 0; i < q.length; i++) {
            dot += (double) q[i] * v[i];
            nq += (double) q[i] * q[i];
            nv += (double) v[i] * v[i];
            l2 += ((double) q[i] - v[i]) * ((double) q[i] - v[i]);
            l1 += Math.abs((double) q[i] - v[i]);
            min += Math.min(q[i], v[i]);
            max += Math.max(q[i], v[i]);
        }
        return switch (metric) {
            case COSINE -> dot / Math.sqrt(nq * nv);
            case DOT -> dot;
            case L2 -> -Math.sqrt(l2);
            case MANHATTAN -> -l1;
            case HAMMING -> -(double) Math.round(l1);
            case JACCARD -> max == 0 ? 0 : min / max;
        };
    }

    /** Random vectors reshaped to what the metric accepts: binary for hamming, non-negative for jaccard. */
    static float[] shape(Metric metric, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (metric == Metric.HAMMING) {
                v[i] = v[i] > 0 ? 1 : 0;
            } else if (metric == Metric.JACCARD) {
                v[i] = Math.abs(v[i]);
            }
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void rankingMatchesBruteForce(Metric metric) {
        int dim = 37; // not a multiple of any SIMD width: exercises the tails
        int n = 40_000; // above the parallel threshold: several threads scan
        Random random = new Random(metric.ordinal());
        create("m", dim, metric);
        List<VectorRecord> all = new ArrayList<>();
        for (int from = 0; from < n; from += 5000) {
            List<VectorRecord> batch = randomRecords(random, "r", from, 5000, dim).stream()
                    .map(r -> new VectorRecord(r.id(), shape(metric, r.vector()), r.metadata(), r.text(), r.edges()))
                    .toList();
            all.addAll(batch);
            store.upsert("m", batch);
        }
        for (int q = 0; q < 20; q++) {
            float[] query = shape(metric, randomVector(random, dim));
            int k = q % 2 == 0 ? 10 : 100;
            SearchResult result = store.search("m", SearchRequest.ofVector(query, k, null));
            assertEquals("flat", result.servedBy());
            assertFalse(result.degraded());
            List<String> expected = bruteForce(all, query, metric, k);
            List<String> actual = result.hits().stream().map(SearchHit::id).toList();
            assertEquals(expected.size(), actual.size());
            // same ranking; positions may only differ where reference scores tie within float precision
            for (int i = 0; i < k; i++) {
                if (!expected.get(i).equals(actual.get(i))) {
                    double e = reference(
                            query,
                            all.get(Integer.parseInt(expected.get(i).substring(1)))
                                    .vector(),
                            metric);
                    double a = reference(
                            query,
                            all.get(Integer.parseInt(actual.get(i).substring(1)))
                                    .vector(),
                            metric);
                    assertEquals(e, a, 1e-5 * Math.max(1, Math.abs(e)), "query " + q + " position " + i);
                }
            }
            for (SearchHit h : result.hits()) {
                VectorRecord r = all.get(Integer.parseInt(h.id().substring(1)));
                assertEquals(reference(query, r.vector(), metric), h.score(), 1e-3 * Math.max(1, Math.abs(h.score())));
            }
            for (int i = 1; i < actual.size(); i++) {
                assertFalse(
                        result.hits().get(i).score() > result.hits().get(i - 1).score(), "sorted best first");
            }
        }
    }

    @Test
    void hitsCarryMetadataTextAndVectorsOnRequest() {
        create("h", 2, Metric.COSINE);
        store.upsert(
                "h",
                List.of(
                        new VectorRecord("a", new float[] {3, 4}, Map.of("tag", "x"), "text a", null),
                        new VectorRecord("b", new float[] {-1, 0}, null, null, null)));
        SearchResult r =
                store.search("h", new SearchRequest(new float[] {3, 4}, null, 2, null, SearchMode.VECTOR, null, true));
        SearchHit top = r.hits().get(0);
        assertEquals("a", top.id());
        assertEquals(1.0, top.score(), 1e-6);
        assertEquals(Map.of("tag", "x"), top.metadata());
        assertEquals("text a", top.text());
        assertArrayEquals(new float[] {3, 4}, top.vector(), "the stored vector, not its normalized copy");
        r = store.search("h", SearchRequest.ofVector(new float[] {3, 4}, 2, null));
        assertNull(r.hits().get(0).vector());
        assertNotNull(r.hits().get(1));
        assertEquals(-0.6, r.hits().get(1).score(), 1e-6);
        assertEquals("b", r.hits().get(1).id());
        assertNull(r.hits().get(1).text());

        // a record without text takes its hit's id from memory, one with text from its payload: replacing records
        // swaps which is which, and a restart loads both kinds from the files
        store.upsert(
                "h",
                List.of(
                        new VectorRecord("a", new float[] {3, 4}, Map.of("tag", "y"), null, null),
                        new VectorRecord("b", new float[] {-1, 0}, null, "text b", null)));
        for (int pass = 0; pass < 2; pass++) {
            r = store.search("h", SearchRequest.ofVector(new float[] {3, 4}, 2, null));
            assertEquals("a", r.hits().get(0).id());
            assertNull(r.hits().get(0).text());
            assertEquals(Map.of("tag", "y"), r.hits().get(0).metadata());
            assertEquals("b", r.hits().get(1).id());
            assertEquals("text b", r.hits().get(1).text());
            restart();
        }
    }

    @Test
    void kGreaterThanCountReturnsEverything() {
        create("few", 4, Metric.L2);
        store.upsert("few", randomRecords(new Random(3), "r", 0, 7, 4));
        assertEquals(
                7,
                store.search("few", SearchRequest.ofVector(new float[4], 100, null))
                        .hits()
                        .size());
        create("empty", 4, Metric.L2);
        assertEquals(
                0,
                store.search("empty", SearchRequest.ofVector(new float[4], 5, null))
                        .hits()
                        .size());
    }

    @Test
    void searchValidationNamesTheField() {
        create("s", 3, Metric.COSINE);
        assertField("k", () -> store.search("s", SearchRequest.ofVector(new float[] {1, 0, 0}, 0, null)));
        assertField("k", () -> store.search("s", SearchRequest.ofVector(new float[] {1, 0, 0}, 10_001, null)));
        assertField("vector", () -> store.search("s", SearchRequest.ofVector(new float[] {1, 0}, 1, null)));
        assertField("vector", () -> store.search("s", SearchRequest.ofVector(new float[] {1, Float.NaN, 0}, 1, null)));
        assertField("vector", () -> store.search("s", SearchRequest.ofVector(new float[] {0, 0, 0}, 1, null)));
        assertField("vector", () -> store.search("s", new SearchRequest(null, null, 1, null, null, null, false)));
        assertField("text", () -> store.search("s", SearchRequest.ofText("no model here", 1, null)));
        assertField(
                "text",
                () -> store.search(
                        "s", new SearchRequest(new float[] {1, 0, 0}, null, 1, null, SearchMode.HYBRID, null, false)));
        assertField(
                "vector",
                () -> store.search(
                        "s", new SearchRequest(new float[] {1, 0, 0}, "x", 1, null, SearchMode.KEYWORD, null, false)));
        assertField(
                "text",
                () -> store.search("s", new SearchRequest(null, " ", 1, null, SearchMode.KEYWORD, null, false)));
        assertField("request", () -> store.search("s", null));
    }

    @Test
    void simdAndScalarScansAgree() {
        int dim = 385;
        create("agree", dim, Metric.L2);
        Random random = new Random(11);
        store.upsert("agree", randomRecords(random, "r", 0, 5000, dim));
        Snapshot s = store.collection("agree").snapshot();
        ExactScanner simd = new ExactScanner(VectorMath.get(), null, 1);
        ExactScanner scalar = new ExactScanner(VectorMath.scalar(), null, 1);
        for (Metric metric : Metric.values()) {
            float[] q = randomVector(random, dim);
            var a = simd.search(s, q, metric, 50, null);
            var b = scalar.search(s, q, metric, 50, null);
            assertArrayEquals(b.ordinals(), a.ordinals(), metric + " ordinals");
            for (int i = 0; i < a.size(); i++) {
                assertEquals(b.scores()[i], a.scores()[i], 1e-3 * Math.max(1, Math.abs(b.scores()[i])));
            }
        }
    }
}
