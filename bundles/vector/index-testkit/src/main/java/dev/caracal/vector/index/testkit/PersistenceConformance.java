package dev.caracal.vector.index.testkit;

import static dev.caracal.vector.index.testkit.ConformanceFixture.K;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code persist(covered)} and {@code restoredOrdinals()} as the SPI defines them, and the store's protocol after a
 * reopen: remove the ordinals below the restored ones that died since, add the live ones from there on. Damaged
 * files are in {@link DamagedFileConformance}.
 */
public interface PersistenceConformance extends ConformanceCases {
    int PERSISTED = 8000;

    @Test
    default void anIndexThatDoesNotPersistReopensEmpty(@TempDir Path dir) throws InterruptedException {
        assumeFalse(fixture().capabilities().persists(), "declares it persists: the other cases check how");
        Metric metric = fixture().primaryMetric();
        IndexTestData.Source source = fixture().data(metric).source(2000);
        fixture().persist(metric, source, dir, 2000);
        VectorIndex reopened = fixture().open(metric, source, dir);
        assertEquals(0, reopened.restoredOrdinals());
        assertEquals(0, reopened.size());
        reopened.close();
    }

    @Test
    default void persistingWithoutADirectoryChangesNothing() {
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        IndexTestData.Source source = d.source(500);
        VectorIndex index = fixture().fill(metric, source, null);
        index.persist(500);
        assertEquals(0, index.restoredOrdinals());
        assertEquals(500, index.size());
        assertEquals(K, fixture().search(index, metric, d.queries()[0], K, null).size());
        index.close();
    }

    /**
     * Reopened, a persisted index restores the covered ordinals with identical answers, removed ones included (never
     * returned); it keeps working, and persisting it again (a second generation) reloads as well.
     */
    @ParameterizedTest
    @EnumSource(Metric.class)
    default void aPersistedIndexReopensWithTheSameAnswers(Metric metric, @TempDir Path dir)
            throws InterruptedException, IOException {
        IndexCapabilities declared = fixture().capabilities();
        assumeTrue(declared.persists(), "declares it does not persist");
        assumeTrue(declared.serves(metric), () -> "does not serve " + metric.id());
        ConformanceData d = fixture().data(metric);
        int n = PERSISTED;
        IndexTestData.Source source = d.source(n);
        VectorIndex index = fixture().fill(metric, source, dir);
        if (declared.nativeDeletes()) {
            for (int o = 0; o < n; o += 9) { // tombstones go into the file too
                index.remove(o);
                source.kill(o);
            }
        }
        fixture().plugin().settle(index);
        ScoredOrdinals[] before = new ScoredOrdinals[50];
        for (int i = 0; i < before.length; i++) {
            before[i] = fixture().search(index, metric, d.queries()[i], K, null);
        }
        index.persist(n);

        VectorIndex reopened = fixture().open(metric, source, dir);
        assertEquals(n, reopened.restoredOrdinals(), "restores the covered ordinals");
        assertEquals(index.size(), reopened.size());
        fixture().plugin().settle(reopened);
        for (int i = 0; i < before.length; i++) {
            float[] q = d.queries()[i];
            ScoredOrdinals after = fixture().search(reopened, metric, q, K, null);
            assertArrayEquals(before[i].ordinals(), after.ordinals(), "the same answer to query " + i);
            assertArrayEquals(before[i].scores(), after.scores(), "the same scores for query " + i);
            AnswerChecks.assertWellFormed(metric, q, after, K, source, null);
        }
        fixture().plugin().checkReopened(index, reopened, dir);
        index.close();

        int size = reopened.size();
        reopened.remove(0); // removed already (or held: then removed now, as the store would)
        source.kill(0);
        reopened.remove(n + 5);
        reopened.remove(50_000_000);
        assertEquals(declared.nativeDeletes() ? size : size - 1, reopened.size(), "only ordinal 0 could go");
        source.put(0, d.vectors()[0]); // it keeps working
        reopened.add(0, d.vectors()[0]);
        size = reopened.size();
        reopened.persist(n);
        reopened.close();
        VectorIndex third = fixture().open(metric, source, dir);
        assertEquals(n, third.restoredOrdinals(), "a second generation of the file reloads");
        assertEquals(size, third.size());
        third.close();
    }

    @Test
    default void onlyOrdinalsBelowTheCoveredOnesAreRestored(@TempDir Path dir) throws InterruptedException {
        assumeTrue(fixture().capabilities().persists(), "declares it does not persist");
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        int n = 6000;
        int covered = n - 100;
        IndexTestData.Source source = d.source(n);
        fixture().persist(metric, source, dir, covered);
        VectorIndex reopened = fixture().open(metric, source, dir);
        assertEquals(covered, reopened.restoredOrdinals());
        assertEquals(covered, reopened.size());
        Set<Integer> above = IntStream.range(covered, n).boxed().collect(Collectors.toSet());
        assertEquals(Set.of(), AnswerChecks.held(reopened, d.vectors()[n - 1], above), "nothing at or above covered");
        for (int o = covered; o < n; o++) { // what the store does next
            reopened.add(o, null);
        }
        assertEquals(n, reopened.size());
        assertEquals(above, AnswerChecks.held(reopened, d.vectors()[n - 1], above));
        reopened.close();
    }

    /** A state written for another metric, dimension or build parameters starts empty; the right one still loads. */
    @Test
    default void aStateOfAnotherMetricDimensionOrBuildParametersIsNotReloaded(@TempDir Path dir)
            throws InterruptedException {
        IndexCapabilities declared = fixture().capabilities();
        assumeTrue(declared.persists(), "declares it does not persist");
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        int n = 4000;
        IndexTestData.Source source = d.source(n);
        fixture().persist(metric, source, dir, n);
        for (Metric other : declared.metrics()) {
            if (other != metric) {
                assertStartsEmpty(fixture().open(other, source, dir), other.id());
            }
        }
        for (Map<String, Object> params : fixture().plugin().otherBuildParams()) {
            assertStartsEmpty(fixture().open(metric, source, params, dir), params.toString());
        }
        IndexTestData.Source wider = new IndexTestData.Source(d.dimension() + 1);
        for (int o = 0; o < n; o++) {
            wider.put(o, java.util.Arrays.copyOf(d.vectors()[o], d.dimension() + 1));
        }
        assertStartsEmpty(fixture().open(metric, wider, dir), "dimension " + (d.dimension() + 1));
        VectorIndex same = fixture().open(metric, source, dir);
        assertEquals(n, same.restoredOrdinals(), "the file was not damaged by the attempts");
        assertEquals(n, same.size());
        same.close();
    }

    private static void assertStartsEmpty(VectorIndex index, String what) {
        assertEquals(0, index.restoredOrdinals(), what);
        assertEquals(0, index.size(), what);
        index.close();
    }

    /**
     * The store's protocol after a reopen: ordinals died below the covered ones and new ones arrived while the index
     * was closed; removing the dead and adding the new gives the live set, never a dead ordinal, the declared recall.
     */
    @Test
    default void theStoresCatchUpAfterAReopenKeepsRecall(@TempDir Path dir) throws InterruptedException {
        IndexCapabilities declared = fixture().capabilities();
        assumeTrue(declared.persists(), "declares it does not persist");
        assumeTrue(declared.nativeDeletes(), "declares it does not delete natively");
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        int n = PERSISTED;
        int more = 3000;
        IndexTestData.Source source = d.source(n);
        VectorIndex index = fixture().fill(metric, source, dir);
        for (int o = 0; o < n; o += 9) {
            index.remove(o);
            source.kill(o);
        }
        fixture().plugin().settle(index);
        index.persist(n);
        index.close();
        // while the index was closed: more die (some of them dead already), new ones arrive, some die at once
        Random random = new Random(6);
        for (int i = 0; i < n / 10; i++) {
            source.kill(random.nextInt(n));
        }
        for (int o = n; o < n + more; o++) {
            source.put(o, d.vectors()[o]);
            if (o % 7 == 0) {
                source.kill(o);
            }
        }
        VectorIndex reopened = fixture().open(metric, source, dir);
        int restored = reopened.restoredOrdinals();
        assertEquals(n, restored);
        for (int o = 0; o < restored; o++) {
            if (!source.isLive(o)) {
                reopened.remove(o); // a no-op for those removed before persisting
            }
        }
        ConformanceFixture.add(reopened, source, restored, source.maxOrdinal());
        assertEquals(source.liveCount(), reopened.size());
        fixture().plugin().settle(reopened);
        for (float[] q : d.queries()) {
            ScoredOrdinals answer = fixture().search(reopened, metric, q, K, null);
            assertEquals(K, answer.size());
            AnswerChecks.assertWellFormed(metric, q, answer, K, source, null);
        }
        double recall = fixture().meanRecall(reopened, d, d.queries().length, source::isLive, null);
        double least = declared.recall();
        System.out.printf(
                "%s after a reopen and the store's catch-up (%d live): recall@%d %.4f%n",
                fixture().plugin().factory().type(), source.liveCount(), K, recall);
        assertTrue(recall >= least, "recall " + recall + " below " + least);
        reopened.persist(source.maxOrdinal()); // and again, after the catch-up
        reopened.close();
        VectorIndex third = fixture().open(metric, source, dir);
        assertEquals(source.maxOrdinal(), third.restoredOrdinals());
        assertEquals(source.liveCount(), third.size());
        third.close();
    }
}
