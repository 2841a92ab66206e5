package dev.caracal.vector.index.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** An index's life: what it holds and costs, bad input, and closing. */
public interface LifecycleConformance extends ConformanceCases {

    /** Raw float vectors times this, plus {@link #MEMORY_SLACK}, bound what an index may report it uses. */
    int MEMORY_FACTOR = 8;

    long MEMORY_SLACK = 8L << 20;

    @Test
    default void sizeAndMemoryFollowTheVectors() throws InterruptedException {
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        int n = 4000;
        IndexTestData.Source source = d.source(n);
        VectorIndex index = fixture().open(metric, source, null);
        assertEquals(0, index.size());
        long empty = index.memoryBytes();
        assertTrue(empty >= 0, "memory " + empty);
        assertEquals(0, index.search(d.queries()[0], 10, null, Map.of()).size(), "an empty index finds nothing");
        ConformanceFixture.add(index, source, 0, n);
        fixture().plugin().settle(index);
        assertEquals(n, index.size());
        long full = index.memoryBytes();
        long raw = 4L * n * d.dimension();
        System.out.printf(
                "%s: %d bytes of memory for %d vectors of %d dimensions (%.2f of their floats)%n",
                fixture().plugin().factory().type(), full, n, d.dimension(), full / (double) raw);
        assertTrue(full > empty, "memory grows with the vectors: " + empty + " then " + full);
        assertTrue(full >= raw / 32, "memory " + full + " below a byte per 8 components");
        assertTrue(full <= MEMORY_FACTOR * raw + MEMORY_SLACK, "memory " + full + " for " + raw + " bytes of floats");
        if (fixture().capabilities().nativeDeletes()) {
            for (int o = 0; o < n; o += 4) {
                index.remove(o);
            }
            assertEquals(n - n / 4, index.size(), "removed vectors are not counted");
        }
        index.close();
    }

    @Test
    default void badInputIsRefusedClearly() {
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        int dim = d.dimension();
        IndexTestData.Source source = d.source(100);
        VectorIndex index = fixture().fill(metric, source, null);
        assertThrows(IllegalArgumentException.class, () -> index.add(-1, d.vectors()[0]), "a negative ordinal");
        assertThrows(IllegalArgumentException.class, () -> index.add(100, new float[dim + 1]), "a longer vector");
        assertThrows(IllegalArgumentException.class, () -> index.add(100, new float[dim - 1]), "a shorter vector");
        assertThrows(
                IllegalArgumentException.class,
                () -> index.search(new float[dim + 1], 10, null, Map.of()),
                "a longer query");
        assertThrows(
                IllegalArgumentException.class,
                () -> index.search(new float[dim - 1], 10, null, Map.of()),
                "a shorter query");
        assertEquals(100, index.size(), "nothing was added");
        index.close();
    }

    /**
     * Closing releases what the index holds; a closed index refuses adds, removes and searches with an
     * {@link IllegalStateException} that says so, and closing again does nothing. (The SPI leaves this open; the kit
     * holds every plugin to it, and a search the store sends to an index closed under it falls back to the exact
     * scan.)
     */
    @Test
    default void closeReleasesTheIndexAndAClosedIndexRefusesUse() throws InterruptedException {
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        IndexTestData.Source source = d.source(2000);
        VectorIndex index = fixture().fill(metric, source, null);
        fixture().plugin().settle(index);
        long before = index.memoryBytes();
        index.close();
        assertEquals(0, index.size(), "a closed index holds nothing");
        assertTrue(index.memoryBytes() < before, "memory released: " + before + " then " + index.memoryBytes());
        assertRefused("add", () -> index.add(2000, d.vectors()[2000]));
        assertRefused("add from the source", () -> index.add(5, null));
        assertRefused("remove", () -> index.remove(5));
        assertRefused("search", () -> index.search(d.queries()[0], 10, null, Map.of()));
        assertDoesNotThrow(index::close, "closing twice");
    }

    private static void assertRefused(String what, Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call, what + " on a closed index");
        assertTrue(e.getMessage().contains("closed"), () -> what + ": " + e.getMessage());
    }
}
