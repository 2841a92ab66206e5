package dev.caracal.vector.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void keepsTheBestAndBreaksTiesByOrdinal() {
        TopK top = new TopK(3);
        float[] scores = {0.5f, 0.9f, 0.1f, 0.9f, 0.7f, 0.2f};
        for (int i = 0; i < scores.length; i++) {
            top.offer(i, scores[i]);
        }
        int[] o = new int[3];
        float[] s = new float[3];
        assertEquals(3, top.drainSorted(o, s));
        assertArrayEquals(new int[] {1, 3, 4}, o);
        assertArrayEquals(new float[] {0.9f, 0.9f, 0.7f}, s);
        assertEquals(0, top.size());
    }

    @Test
    void thresholdAndFullness() {
        TopK top = new TopK(2);
        assertEquals(Float.NEGATIVE_INFINITY, top.threshold());
        assertFalse(top.isFull());
        assertTrue(top.offer(7, 1f));
        assertTrue(top.offer(8, 3f));
        assertTrue(top.isFull());
        assertEquals(1f, top.threshold());
        assertFalse(top.offer(9, 0.5f));
        assertFalse(top.offer(9, 1f)); // a tie with a higher ordinal does not enter
        assertTrue(top.offer(2, 1f)); // a tie with a lower ordinal does
        assertEquals(1f, top.threshold());
        int[] kept = top.ordinals();
        Arrays.sort(kept);
        assertArrayEquals(new int[] {2, 8}, kept);
        assertEquals(2, top.size()); // ordinals() leaves the heap as it is
    }

    @Test
    void kBelowOneKeepsOne() {
        TopK top = new TopK(0);
        top.offer(1, 1f);
        top.offer(2, 2f);
        int[] o = new int[1];
        float[] s = new float[1];
        assertEquals(1, top.drainSorted(o, s));
        assertEquals(2, o[0]);
    }

    @Test
    void randomOffersAndMergedHeapsMatchASort() {
        Random random = new Random(3);
        for (int round = 0; round < 50; round++) {
            int n = 1 + random.nextInt(500);
            int k = 1 + random.nextInt(40);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = random.nextInt(50) / 7f; // many ties
            }
            TopK single = new TopK(k);
            TopK[] parts = {new TopK(k), new TopK(k), new TopK(k)};
            for (int i = 0; i < n; i++) {
                single.offer(i, scores[i]);
                parts[random.nextInt(parts.length)].offer(i, scores[i]);
            }
            TopK merged = new TopK(k);
            for (TopK part : parts) {
                merged.addAll(part);
            }
            int[] expected = IntStream.range(0, n)
                    .boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
            for (TopK top : new TopK[] {single, merged}) {
                int[] o = new int[k];
                float[] s = new float[k];
                int got = top.drainSorted(o, s);
                assertEquals(expected.length, got);
                assertArrayEquals(expected, Arrays.copyOf(o, got));
                for (int i = 0; i < got; i++) {
                    assertEquals(scores[o[i]], s[i]);
                }
            }
        }
    }

    @Test
    void scoreConversions() {
        float[] s = {-4f, -0f, -2.25f, 9f};
        Scores.negatedSquaredToNegatedDistance(s, 3);
        assertArrayEquals(new float[] {-2f, -0f, -1.5f, 9f}, s);
        float[] c = {-0f, -2f, -4f, 5f};
        Scores.negatedSquaredToCosine(c, 3);
        assertArrayEquals(new float[] {1f, 0f, -1f, 5f}, c);
    }
}
