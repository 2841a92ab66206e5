package dev.caracal.vector.store.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.math.Scores;
import dev.caracal.vector.math.TopK;
import dev.caracal.vector.math.VectorMath;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

/**
 * The exact (flat) search: scores every live ordinal of a snapshot that passes the filter and keeps the best
 * {@code k}. The ordinal range is cut into chunks that the calling thread and up to {@code threads - 1} pool threads
 * claim one by one, each into its own primitive top-k heap; the heaps are merged at the end. The caller always takes
 * part, so a saturated pool only means fewer helpers, never a wait; and when several scans run at once each takes
 * {@code threads / running - 1} helpers, so concurrent queries do not oversubscribe the cores.
 */
final class ExactScanner {
    /** Ordinals per claimed chunk (capped by the page size, so a chunk never crosses a page). */
    private static final int CHUNK = 4096;
    /** Below this many ordinals a scan stays on the calling thread. */
    private static final int PARALLEL_THRESHOLD = 16_384;

    private final VectorMath math;
    private final ExecutorService pool;
    private final int threads;
    /** Scans running now: when several run at once, each takes fewer helpers so the cores are not oversubscribed. */
    private final AtomicInteger inFlight = new AtomicInteger();

    ExactScanner(VectorMath math, ExecutorService pool, int threads) {
        this.math = math;
        this.pool = pool;
        this.threads = Math.max(1, threads);
    }

    VectorMath math() {
        return math;
    }

    /**
     * The best {@code k} ordinals for {@code query} (unit length for cosine), scored as {@link Metric} says: cosine
     * similarity (the dot product times the stored vector's inverse norm), dot product, negated Euclidean distance
     * (L2), negated L1 distance (manhattan, and hamming for 0/1 vectors), weighted Jaccard similarity. {@code accept}
     * may be {@code null} for no filter; it is called for live ordinals only.
     */
    ScoredOrdinals search(Snapshot s, float[] query, Metric metric, int k, IntPredicate accept) {
        int chunk = Math.min(CHUNK, 1 << s.pageShift);
        TopK result =
                scan(s.maxOrdinal, chunk, k, (from, to, heap) -> scanChunk(s, query, metric, accept, from, to, heap));
        return finish(result, metric);
    }

    /** Scores the ordinals {@code [from, to)} into {@code heap}. */
    interface ChunkScan {
        void scan(int from, int to, TopK heap);
    }

    /**
     * Runs {@code scan} over {@code [0, max)} in chunks of {@code chunk} ordinals (a chunk must not cross whatever
     * pages the scan reads), on the calling thread and, for large ranges, pool threads; returns the best {@code k}.
     */
    TopK scan(int max, int chunk, int k, ChunkScan scan) {
        int chunks = (max + chunk - 1) / chunk;
        int concurrent = inFlight.incrementAndGet();
        try {
            int helpers = Math.min(threads / concurrent - 1, chunks - 1);
            if (helpers <= 0 || max < PARALLEL_THRESHOLD || pool == null) {
                TopK result = new TopK(k);
                for (int c = 0; c < chunks; c++) {
                    scan.scan(c * chunk, Math.min(max, (c + 1) * chunk), result);
                }
                return result;
            }
            return parallel(scan, k, chunk, chunks, max, helpers);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private TopK parallel(ChunkScan scan, int k, int chunk, int chunks, int max, int helpers) {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        List<TopK> heaps = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            TopK heap = new TopK(k);
            heaps.add(heap);
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    scan.scan(c * chunk, Math.min(max, (c + 1) * chunk), heap);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int i = 0; i < helpers; i++) {
            try {
                pool.execute(worker);
            } catch (RejectedExecutionException e) {
                break; // shutting down: the caller scans alone
            }
        }
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw new VectorException("search failed: " + failure.get(), failure.get());
        }
        TopK merged = new TopK(k);
        for (TopK heap : heaps) {
            merged.addAll(heap);
        }
        return merged;
    }

    private void scanChunk(Snapshot s, float[] query, Metric metric, IntPredicate accept, int from, int to, TopK heap) {
        int page = from >>> s.pageShift;
        if (page >= s.vectors.length) {
            return;
        }
        float[] vectors = s.vectors[page];
        long[] deaths = s.deaths[page];
        if (vectors == null || deaths == null) {
            return;
        }
        float[] invNorms = s.invNorms == null ? null : s.invNorms[page];
        int dim = s.dimension;
        long epoch = s.epoch;
        int mask = s.pageMask;
        VectorMath m = math;
        for (int ordinal = from; ordinal < to; ordinal++) {
            int slot = ordinal & mask;
            long death = deaths[slot];
            if (death != 0 && death <= epoch) {
                continue;
            }
            if (accept != null && !accept.test(ordinal)) {
                continue;
            }
            float score = score(m, metric, query, vectors, slot * dim, dim, invNorms == null ? 1 : invNorms[slot]);
            if (score >= heap.threshold()) {
                heap.offer(ordinal, score);
            }
        }
    }

    /**
     * The score of one stored vector ({@code invNorm}: its inverse norm, for cosine); for L2 the negated squared
     * distance (the square root is taken for the final k only).
     */
    private static float score(
            VectorMath m, Metric metric, float[] query, float[] vectors, int at, int dim, float invNorm) {
        return switch (metric) {
            case COSINE -> m.dot(query, 0, vectors, at, dim) * invNorm; // the query is unit length
            case DOT -> m.dot(query, 0, vectors, at, dim);
            case L2 -> -m.squareDistance(query, 0, vectors, at, dim);
            case MANHATTAN, HAMMING -> -m.manhattan(query, 0, vectors, at, dim);
            case JACCARD -> m.jaccard(query, 0, vectors, at, dim);
        };
    }

    /**
     * The exact best {@code k} among {@code candidates} (sorted ordinals, a superset of the matches: each is checked
     * for liveness and {@code accept}), on the calling thread: the path of selective filters, whose candidates come
     * from the metadata postings.
     */
    ScoredOrdinals searchCandidates(
            Snapshot s, float[] query, Metric metric, int k, IntPredicate accept, int[] candidates) {
        TopK heap = new TopK(k);
        int dim = s.dimension;
        for (int ordinal : candidates) {
            if (!s.isLive(ordinal) || (accept != null && !accept.test(ordinal))) {
                continue;
            }
            int page = ordinal >>> s.pageShift;
            int slot = ordinal & s.pageMask;
            float invNorm = s.invNorms == null ? 1 : s.invNorms[page][slot];
            float score = score(math, metric, query, s.vectors[page], slot * dim, dim, invNorm);
            if (score >= heap.threshold()) {
                heap.offer(ordinal, score);
            }
        }
        return finish(heap, metric);
    }

    private static ScoredOrdinals finish(TopK result, Metric metric) {
        int n = result.size();
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        result.drainSorted(ordinals, scores);
        if (metric == Metric.L2) {
            Scores.negatedSquaredToNegatedDistance(scores, n);
        }
        return new ScoredOrdinals(ordinals, scores);
    }
}
