package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoredNodeTest {

    @Test
    void packedEntriesSortLikeTheirScoresAndGiveBackScoreAndNode() {
        float[] scores = {
            Float.NEGATIVE_INFINITY,
            -1e30f,
            -2.5f,
            -1f,
            -Float.MIN_VALUE,
            0f,
            Float.MIN_VALUE,
            0.5f,
            3f,
            1e30f,
            Float.POSITIVE_INFINITY
        };
        for (int i = 0; i < scores.length; i++) {
            long packed = ScoredNode.encode(scores[i], 1000 + i);
            assertEquals(scores[i], ScoredNode.score(packed));
            assertEquals(1000 + i, ScoredNode.node(packed));
            for (int j = 0; j < scores.length; j++) {
                if (j == i) {
                    continue;
                }
                long other = ScoredNode.encode(scores[j], 7);
                assertEquals(
                        Integer.signum(Float.compare(scores[i], scores[j])), Long.signum(Long.compare(packed, other)));
            }
        }
        // equal scores: the node decides
        assertEquals(-1, Long.signum(Long.compare(ScoredNode.encode(1f, 3), ScoredNode.encode(1f, 4))));
    }

    @Test
    void sortAndDrainGiveTheBestFirst() {
        Random random = new Random(3);
        long[] packed = new long[50];
        LongHeap heap = new LongHeap(4);
        for (int i = 0; i < packed.length; i++) {
            packed[i] = ScoredNode.encode(random.nextFloat() * 2 - 1, i);
            heap.push(packed[i]);
        }
        long[] sorted = packed.clone();
        ScoredNode.sortBestFirst(sorted, sorted.length);
        for (int i = 1; i < sorted.length; i++) {
            assertEquals(true, ScoredNode.score(sorted[i - 1]) >= ScoredNode.score(sorted[i]), "position " + i);
        }
        assertArrayEquals(sorted, ScoredNode.drainBestFirst(heap));
        assertEquals(0, heap.size());

        long[] partly = {ScoredNode.encode(1f, 1), ScoredNode.encode(3f, 2), ScoredNode.encode(2f, 3), 99};
        ScoredNode.sortBestFirst(partly, 3);
        assertArrayEquals(
                new long[] {ScoredNode.encode(3f, 2), ScoredNode.encode(2f, 3), ScoredNode.encode(1f, 1), 99}, partly);
    }
}
