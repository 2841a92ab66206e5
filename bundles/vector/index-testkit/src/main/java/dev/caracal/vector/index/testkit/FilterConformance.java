package dev.caracal.vector.index.testkit;

import static dev.caracal.vector.index.testkit.ConformanceFixture.K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import java.util.Set;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** Filtered searches: only what the filter accepts, k of them when k match, with the declared recall. */
public interface FilterConformance extends ConformanceCases {
    int FILTERED_QUERIES = 100;

    @Test
    default void filteredSearchesReturnOnlyAcceptedOrdinalsWithTheirRecall() throws InterruptedException {
        IndexCapabilities declared = fixture().capabilities();
        String type = fixture().plugin().factory().type();
        assumeTrue(declared.nativeFilters(), () -> type + " declares it does not filter natively");
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        VectorIndex index = fixture().shared(metric);
        IndexTestData.Source source = d.source(d.vectors().length);
        int n = d.vectors().length;
        for (int percent : new int[] {1, 10, 50}) {
            int modulo = 100 / percent;
            int remainder = 3 % modulo;
            IntPredicate accept = o -> o % modulo == remainder;
            OrdinalFilter filter = IndexTestData.filter(accept, n / modulo);
            double sum = 0;
            for (int i = 0; i < FILTERED_QUERIES; i++) {
                float[] q = d.queries()[i];
                ScoredOrdinals answer = fixture().search(index, metric, q, K, filter);
                assertEquals(K, answer.size(), "k results when k match, " + percent + "% filter");
                AnswerChecks.assertWellFormed(metric, q, answer, K, source, accept);
                sum += GroundTruth.recall(GroundTruth.bruteForce(d.vectors(), metric, q, K, accept), answer);
            }
            double recall = sum / FILTERED_QUERIES;
            double least = declared.filteredRecall(percent);
            System.out.printf(
                    "%s %s filtered %d%%: recall@%d %.4f (declared at least %.3f)%n",
                    type, metric.id(), percent, K, recall, least);
            assertTrue(recall >= least, percent + "% filter: recall " + recall + " below " + least);
        }
    }

    /**
     * The estimate is a hint: one that overstates or understates the matches changes nothing about what passes. A
     * filter matching fewer than k gets all of them; one matching nothing gets nothing.
     */
    @Test
    default void aFilterIsHonouredWhateverItsEstimateAndSize() throws InterruptedException {
        assumeTrue(fixture().capabilities().nativeFilters(), "declares it does not filter natively");
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        VectorIndex index = fixture().shared(metric);
        IndexTestData.Source source = d.source(d.vectors().length);
        IntPredicate even = o -> o % 2 == 0;
        for (int estimate : new int[] {Integer.MAX_VALUE, d.vectors().length, 10, 1}) {
            for (int i = 0; i < 20; i++) {
                float[] q = d.queries()[i];
                ScoredOrdinals answer = fixture().search(index, metric, q, K, IndexTestData.filter(even, estimate));
                assertEquals(K, answer.size(), "estimate " + estimate);
                AnswerChecks.assertWellFormed(metric, q, answer, K, source, even);
            }
        }
        for (int i = 0; i < 10; i++) {
            float[] q = d.queries()[i];
            ScoredOrdinals three = fixture().search(index, metric, q, K, IndexTestData.filter(o -> o < 3, 3));
            assertEquals(Set.of(0, 1, 2), AnswerChecks.ordinals(three), "a filter accepting three ordinals");
            int far = d.vectors().length - 1 - i * 101;
            assertEquals(Set.of(far), AnswerChecks.held(index, q, Set.of(far)), "a filter accepting one ordinal");
            OrdinalFilter none = IndexTestData.filter(o -> false, 0);
            assertEquals(0, fixture().search(index, metric, q, K, none).size(), "a filter accepting none");
        }
    }
}
