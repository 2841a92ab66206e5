package dev.caracal.vector.index.testkit;

import static dev.caracal.vector.index.testkit.ConformanceFixture.K;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Unfiltered searches: k, order, exact scores on each metric's scale, recall, and vectors read from the source. */
public interface SearchConformance extends ConformanceCases {

    /**
     * On {@value ConformanceData#SIZE} vectors of each metric the plugin serves: k results, best first, each score
     * the metric's exact score, the declared recall@10 (ties counted for hamming and jaccard), and a stored vector
     * finds a vector as good as itself.
     */
    @ParameterizedTest
    @EnumSource(Metric.class)
    default void servesEachDeclaredMetricWithExactScoresAndItsRecall(Metric metric) throws InterruptedException {
        String type = fixture().plugin().factory().type();
        assumeTrue(fixture().capabilities().serves(metric), () -> type + " does not serve " + metric.id());
        ConformanceData d = fixture().data(metric);
        VectorIndex index = fixture().shared(metric);
        IndexTestData.Source source = d.source(d.vectors().length);
        for (float[] q : d.queries()) {
            ScoredOrdinals answer = fixture().search(index, metric, q, K, null);
            assertEquals(K, answer.size(), "k results");
            AnswerChecks.assertWellFormed(metric, q, answer, K, source, null);
        }
        double recall = fixture().meanRecall(index, d, d.queries().length, null, null);
        double least = fixture().capabilities().recall();
        System.out.printf(
                "%s %s %d x %d: recall@%d %.4f (declared at least %.3f)%n",
                type, metric.id(), d.vectors().length, d.dimension(), K, recall, least);
        assertTrue(recall >= least, type + " " + metric.id() + " recall " + recall + " below " + least);
        if (metric != Metric.DOT) { // a vector is its own best match, except for the dot product
            for (int i = 0; i < 20; i++) {
                float[] v = d.vectors()[i * 997];
                float self = GroundTruth.score(metric, v, v);
                ScoredOrdinals best = fixture().search(index, metric, v, 1, null);
                assertEquals(
                        self, best.scores()[0], GroundTruth.tolerance(self), "vector " + i * 997 + " finds itself");
            }
        }
    }

    /** At most k results, exactly k when k vectors are held, none for k = 0, all of them when fewer are held. */
    @Test
    default void searchesReturnAtMostKBestFirst() throws InterruptedException {
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        VectorIndex index = fixture().shared(metric);
        float[] q = d.queries()[1];
        assertEquals(0, fixture().search(index, metric, q, 0, null).size(), "k = 0");
        IndexTestData.Source source = d.source(d.vectors().length);
        for (int k : new int[] {1, 10, 100}) {
            ScoredOrdinals answer = fixture().search(index, metric, q, k, null);
            assertEquals(k, answer.size(), "k " + k);
            AnswerChecks.assertWellFormed(metric, q, answer, k, source, null);
        }
        IndexTestData.Source three = d.source(3);
        VectorIndex small = fixture().fill(metric, three, null);
        ScoredOrdinals all = fixture().search(small, metric, q, 10, null);
        assertArrayEquals(GroundTruth.bruteForce(three, metric, q, 10, null), all.ordinals(), "all three, best first");
        small.close();
    }

    /**
     * An index fed ordinals alone ({@code add(ordinal, null)}) reads their vectors from the context's source: the
     * scores are those of the source's vectors and the recall is the declared one.
     */
    @Test
    default void addingAnOrdinalAloneReadsItsVectorFromTheSource() throws InterruptedException {
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        int n = 4000;
        IndexTestData.Source source = d.source(n);
        VectorIndex index = fixture().open(metric, source, null);
        for (int o = 0; o < n; o++) {
            index.add(o, null);
        }
        fixture().plugin().settle(index);
        assertEquals(n, index.size());
        for (int i = 0; i < 50; i++) {
            float[] q = d.queries()[i];
            ScoredOrdinals answer = fixture().search(index, metric, q, K, null);
            assertEquals(K, answer.size());
            AnswerChecks.assertWellFormed(metric, q, answer, K, source, null);
        }
        double recall = fixture().meanRecall(index, d, 100, o -> o < n, null);
        double least = fixture().capabilities().recall();
        assertTrue(recall >= least, "recall " + recall + " below " + least);
        index.close();
    }

    /** Tiny data sets whose answers are known: the scores of each served metric as {@link Metric} defines them. */
    @ParameterizedTest
    @EnumSource(Metric.class)
    default void smallCasesScoreAsTheMetricDefines(Metric metric) {
        String type = fixture().plugin().factory().type();
        assumeTrue(fixture().capabilities().serves(metric), () -> type + " does not serve " + metric.id());
        SmallCase c = SmallCase.of(metric);
        VectorIndex index = fixture().open(metric, IndexTestData.Source.of(c.vectors()), null);
        for (int o = 0; o < c.vectors().length; o++) {
            index.add(o, null);
        }
        for (SmallCase.Query q : c.queries()) {
            ScoredOrdinals answer = index.search(q.query(), c.vectors().length, null, java.util.Map.of());
            assertEquals(q.ordinals().length, answer.size(), metric.id());
            for (int i = 0; i < answer.size(); i++) {
                assertEquals(q.scores()[i], answer.scores()[i], 1e-5f, metric.id() + " score at rank " + i);
                if (q.ordinals()[i] >= 0) {
                    assertEquals(q.ordinals()[i], answer.ordinals()[i], metric.id() + " ordinal at rank " + i);
                }
            }
        }
        index.close();
    }
}
