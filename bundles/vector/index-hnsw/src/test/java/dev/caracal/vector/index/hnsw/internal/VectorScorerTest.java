package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VectorScorerTest {
    static final int DIMENSION = 24;
    static final int COUNT = 300;

    private static VectorScorer scorer(Metric metric, float[][] vectors, Map<String, Object> params) {
        IndexTestData.Source source = IndexTestData.Source.of(vectors);
        return VectorScorer.create(
                IndexTestData.context(new HnswIndexFactory(), metric, source, params, null),
                HnswParams.parse(params),
                new HnswGraph(8));
    }

    /** Stores every vector (the int8 quantizer trains at the first). */
    private static void storeAll(VectorScorer scorer, float[][] vectors) {
        for (int node = 0; node < vectors.length; node++) {
            scorer.beforeAdd(vectors[node]);
            scorer.ensurePage(node);
            scorer.store(node, vectors[node]);
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void floatVectorsScoreWithTheMetricsKernel(Metric metric) {
        float[][] vectors = IndexTestData.forMetric(IndexTestData.uniform(new Random(1), COUNT, DIMENSION), metric);
        VectorScorer scorer = scorer(metric, vectors, Map.of());
        assertInstanceOf(FloatVectorScorer.class, scorer);
        storeAll(scorer, vectors);
        float[] query = IndexTestData.forMetric(IndexTestData.uniform(new Random(2), 1, DIMENSION), metric)[0];
        VectorScorer.PreparedQuery prepared = scorer.prepare(query, scorer.newQuery(scorer.searchSimilarity));
        VectorScorer.PreparedQuery node = scorer.prepareNode(7, scorer.newQuery(scorer.graphSimilarity));
        float[] copy = new float[DIMENSION];
        for (int i = 0; i < COUNT; i++) {
            scorer.copyStored(i, copy);
            assertArrayEquals(vectors[i], copy);
            assertEquals(
                    scorer.searchSimilarity.compare(scorer.math, query, 0, vectors[i], 0, DIMENSION),
                    prepared.score(i));
            assertEquals(
                    scorer.graphSimilarity.compare(scorer.math, vectors[7], 0, vectors[i], 0, DIMENSION),
                    node.score(i));
        }
        assertEquals(Float.NEGATIVE_INFINITY, prepared.score(5 * GraphPages.PAGE_SIZE), "a page never allocated");
        assertEquals(4L * GraphPages.PAGE_SIZE * DIMENSION, scorer.bytes());
        assertEquals(0, scorer.trainedOn());

        // results: the best k as found, with the metric's scores
        long[] found = {ScoredNode.encode(prepared.score(4), 4), ScoredNode.encode(prepared.score(9), 9)};
        ScoredOrdinals results =
                scorer.results(query, 1, scorer.candidates(1, Map.of()), found, new SearchScratch(scorer));
        assertArrayEquals(new int[] {4}, results.ordinals());
        assertEquals(GroundTruth.score(metric, query, vectors[4]), results.scores()[0], 1e-4f);
        assertEquals(5, scorer.candidates(5, Map.of("rerank", 4.0)), "float vectors need no re-ranking");

        scorer.clear();
        assertEquals(0, scorer.bytes());
    }

    @ParameterizedTest
    @EnumSource(
            value = Metric.class,
            names = {"COSINE", "DOT", "L2"})
    void int8CodesScoreLikeTheVectorsTheyDecodeTo(Metric metric) {
        Map<String, Object> int8 = Map.of("quantization", "int8");
        float[][] vectors = IndexTestData.forMetric(IndexTestData.uniform(new Random(3), COUNT, DIMENSION), metric);
        VectorScorer scorer = scorer(metric, vectors, int8);
        assertInstanceOf(Int8VectorScorer.class, scorer);
        storeAll(scorer, vectors);
        assertEquals(COUNT + 1, scorer.trainedOn(), "trained on the whole (small) source plus the first vector");
        assertEquals((long) GraphPages.PAGE_SIZE * (DIMENSION + 4), scorer.bytes());

        float[] query = IndexTestData.forMetric(IndexTestData.uniform(new Random(4), 1, DIMENSION), metric)[0];
        VectorScorer.PreparedQuery prepared = scorer.prepare(query, scorer.newQuery(scorer.searchSimilarity));
        VectorScorer.PreparedQuery node = scorer.prepareNode(7, scorer.newQuery(scorer.graphSimilarity));
        float[] decoded = new float[DIMENSION];
        float[] decoded7 = new float[DIMENSION];
        scorer.copyStored(7, decoded7);
        double error = 0;
        for (int i = 0; i < COUNT; i++) {
            scorer.copyStored(i, decoded);
            float expected = scorer.searchSimilarity.compare(scorer.math, query, 0, decoded, 0, DIMENSION);
            assertEquals(expected, prepared.score(i), 1e-4f, "query against node " + i);
            float between = scorer.graphSimilarity.compare(scorer.math, decoded7, 0, decoded, 0, DIMENSION);
            assertEquals(between, node.score(i), 1e-4f, "node 7 against node " + i);
            error = Math.max(error, Math.abs(decoded[0] - vectors[i][0]));
        }
        assertTrue(error < 0.01, "codes decode close to the vectors: " + error);

        // results: the candidates re-ranked with the source's exact vectors
        assertEquals(30, scorer.candidates(10, Map.of()), "rerank 3 by default");
        assertEquals(15, scorer.candidates(10, Map.of("rerank", 1.5)));
        assertEquals(200, scorer.candidates(10, Map.of("rerank", 1000.0)), "clamped to 20");
        long[] found = new long[COUNT];
        for (int i = 0; i < COUNT; i++) {
            found[i] = ScoredNode.encode(prepared.score(i), i);
        }
        ScoredNode.sortBestFirst(found, COUNT);
        ScoredOrdinals results = scorer.results(query, 5, COUNT, found, new SearchScratch(scorer));
        int[] truth = GroundTruth.bruteForce(vectors, metric, query, 5, o -> true);
        assertArrayEquals(truth, results.ordinals(), "every vector re-ranked: the exact top 5");
        for (int i = 0; i < 5; i++) {
            assertEquals(GroundTruth.score(metric, query, vectors[truth[i]]), results.scores()[i], 1e-4f);
        }
    }

    @Test
    void int8RefusesMetricsWithoutAnInnerProduct() {
        float[][] vectors = IndexTestData.uniform(new Random(5), 10, DIMENSION);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> scorer(Metric.MANHATTAN, vectors, Map.of("quantization", "int8")));
        assertEquals(
                "hnsw quantization int8 supports the cosine, dot and l2 metrics; collection 'test' uses manhattan "
                        + "(use quantization none)",
                e.getMessage());
    }

    /**
     * A query prepared before another thread added a node on a new page still scores that node exactly (it was -infinity:
     * concurrent inserts linked such nodes as if they were infinitely far).
     */
    @ParameterizedTest
    @EnumSource(
            value = Metric.class,
            names = {"COSINE", "L2"})
    void aQueryPreparedBeforeANewPageScoresItsNodes(Metric metric) {
        for (Map<String, Object> params : new Map[] {Map.of(), Map.of("quantization", "int8")}) {
            float[][] vectors = IndexTestData.forMetric(IndexTestData.uniform(new Random(6), COUNT, DIMENSION), metric);
            VectorScorer scorer = scorer(metric, vectors, params);
            storeAll(scorer, vectors);
            VectorScorer.PreparedQuery query = scorer.prepare(vectors[1], scorer.newQuery(scorer.searchSimilarity));
            VectorScorer.PreparedQuery node = scorer.prepareNode(2, scorer.newQuery(scorer.graphSimilarity));
            int late = 3 * GraphPages.PAGE_SIZE + 5;
            scorer.ensurePage(late);
            scorer.store(late, vectors[3]);
            assertEquals(query.score(3), query.score(late), params.toString());
            assertEquals(node.score(3), node.score(late), params.toString());
        }
    }
}
