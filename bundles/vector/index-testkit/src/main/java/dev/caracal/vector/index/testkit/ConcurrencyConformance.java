package dev.caracal.vector.index.testkit;

import static dev.caracal.vector.index.testkit.ConformanceFixture.K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.VectorIndex;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The SPI's threading rule: adds and removes from several threads at once, concurrently with searches. The check is
 * of the final state, never of timing: every add is held, every remove stays removed, and the recall is the
 * declared one.
 */
public interface ConcurrencyConformance extends ConformanceCases {
    int WRITERS = 4;
    int READERS = 2;

    @Test
    default void concurrentAddsRemovesAndSearchesLoseNothing() throws InterruptedException {
        IndexCapabilities declared = fixture().capabilities();
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        int n = d.vectors().length;
        IndexTestData.Source source = d.source(n); // the store publishes a vector before the index sees it
        VectorIndex index = fixture().open(metric, source, null);
        boolean removes = declared.nativeDeletes();
        // writer w adds the ordinals o with o % WRITERS == w and removes its own o - WRITERS when that is 0 mod 7
        IntPredicate removed = o -> removes && o % 7 == 0 && o + WRITERS < n;
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch readersSearched = new CountDownLatch(READERS);
        Map<String, Object> params = fixture().queryParams(index, metric);
        IntPredicate accept = o -> o % 3 != 0;
        OrdinalFilter filter = IndexTestData.filter(accept, Integer.MAX_VALUE);
        Thread[] readers = new Thread[READERS];
        for (int r = 0; r < READERS; r++) {
            Random random = new Random(r);
            readers[r] = new Thread(() -> {
                try {
                    do {
                        float[] q = d.queries()[random.nextInt(d.queries().length)];
                        AnswerChecks.assertWellFormed(metric, q, index.search(q, K, filter, params), K, source, accept);
                        readersSearched.countDown();
                    } while (writing.get());
                } catch (Throwable e) {
                    errors.add(e);
                    readersSearched.countDown();
                }
            });
        }
        Thread[] writers = new Thread[WRITERS];
        for (int w = 0; w < WRITERS; w++) {
            int first = w;
            writers[w] = new Thread(() -> {
                try {
                    readersSearched.await(); // so that the writes run while searches go on
                    for (int o = first; o < n; o += WRITERS) {
                        index.add(o, d.vectors()[o]);
                        if (o >= WRITERS && removed.test(o - WRITERS)) {
                            index.remove(o - WRITERS);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
        }
        for (Thread t : readers) {
            t.start();
        }
        for (Thread t : writers) {
            t.start();
        }
        for (Thread t : writers) {
            t.join();
        }
        writing.set(false);
        for (Thread t : readers) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(
                    errors.size() + " errors in the threads, the first: " + errors.peek(), errors.peek());
        }
        fixture().plugin().settle(index);
        fixture().plugin().checkAfterConcurrentWrites(index);

        Set<Integer> gone = new HashSet<>();
        for (int o = 0; o < n; o++) {
            if (removed.test(o)) {
                gone.add(o);
                source.kill(o);
            }
        }
        assertEquals(n - gone.size(), index.size(), "size after the writes");
        if (!gone.isEmpty()) {
            assertEquals(Set.of(), AnswerChecks.held(index, d.queries()[0], gone), "removed ordinals came back");
        }
        for (int from = 0; from < n; from += 100) { // every live ordinal is held, asked 100 at a time
            Set<Integer> block = new HashSet<>();
            Set<Integer> live = new HashSet<>();
            for (int o = from; o < Math.min(n, from + 100); o++) {
                block.add(o);
                if (source.isLive(o)) {
                    live.add(o);
                }
            }
            assertEquals(live, AnswerChecks.held(index, d.vectors()[from], block), "held among " + from + "..");
        }
        for (float[] q : d.queries()) {
            AnswerChecks.assertWellFormed(metric, q, fixture().search(index, metric, q, K, null), K, source, null);
        }
        double recall = fixture().meanRecall(index, d, d.queries().length, source::isLive, null);
        double least = declared.recall();
        System.out.printf(
                "%s after %d writers and %d readers: recall@%d %.4f%n",
                fixture().plugin().factory().type(), WRITERS, READERS, K, recall);
        assertTrue(recall >= least, "recall " + recall + " below " + least);
        index.close();
    }
}
