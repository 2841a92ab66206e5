package dev.caracal.vector.index.testkit;

import static dev.caracal.vector.index.testkit.ConformanceFixture.K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code remove}: a removed ordinal is never returned, removing what is not held changes nothing, re-adding works. */
public interface RemovalConformance extends ConformanceCases {
    int REMOVAL_SIZE = 6000;

    @ParameterizedTest
    @EnumSource(Metric.class)
    default void removedOrdinalsAreNeverReturnedAndCanComeBack(Metric metric) throws InterruptedException {
        IndexCapabilities declared = fixture().capabilities();
        String type = fixture().plugin().factory().type();
        assumeTrue(declared.serves(metric), () -> type + " does not serve " + metric.id());
        assumeTrue(declared.nativeDeletes(), () -> type + " declares it does not delete natively");
        ConformanceData d = fixture().data(metric);
        int n = REMOVAL_SIZE;
        IndexTestData.Source source = d.source(n);
        VectorIndex index = fixture().fill(metric, source, null);
        fixture().plugin().settle(index);
        for (int o = 0; o < n; o += 2) {
            index.remove(o);
            source.kill(o);
        }
        assertEquals(n / 2, index.size());
        // what the index does not hold: removed already, never added, far beyond
        index.remove(0);
        index.remove(n + 5);
        index.remove(50_000_000);
        assertEquals(n / 2, index.size(), "removing what is not held changes nothing");
        fixture().plugin().settle(index);
        for (int i = 0; i < 100; i++) {
            float[] removed = d.vectors()[2 * i];
            ScoredOrdinals answer = fixture().search(index, metric, removed, K, null);
            assertEquals(K, answer.size());
            AnswerChecks.assertWellFormed(metric, removed, answer, K, source, null);
            ScoredOrdinals onlyRemoved =
                    fixture().search(index, metric, removed, K, IndexTestData.filter(o -> o % 4 == 0, n / 4));
            assertEquals(0, onlyRemoved.size(), "a filter accepting only removed ordinals");
        }

        // re-added with its vector: held again
        source.put(0, d.vectors()[0]);
        index.add(0, d.vectors()[0]);
        assertEquals(n / 2 + 1, index.size());
        assertEquals(Set.of(0), AnswerChecks.held(index, d.vectors()[0], Set.of(0, 2, 4)));
        // re-added with another vector, twice: held once, with the new vector
        float[] moved = d.vectors()[11];
        source.put(10, moved);
        index.add(10, moved);
        index.add(10, moved);
        assertEquals(n / 2 + 2, index.size(), "an ordinal added twice is held once");
        ScoredOrdinals twins =
                index.search(moved, K, IndexTestData.filter(o -> o == 10 || o == 11, 2), java.util.Map.of());
        assertEquals(Set.of(10, 11), AnswerChecks.ordinals(twins));
        assertEquals(2, twins.size());
        assertEquals(twins.scores()[0], twins.scores()[1], GroundTruth.tolerance(twins.scores()[0]), "the same vector");
        index.close();
    }
}
