package dev.caracal.vector.index.lsh.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.math.Scores;
import dev.caracal.vector.math.TopK;
import dev.caracal.vector.math.VectorMath;
import dev.caracal.vector.math.VectorPages;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LSH index: the vectors (an own copy, by ordinal) plus {@link LshTables}. Candidates from the probed buckets of
 * every table are re-ranked exactly; deletes are tombstones (the live flag), so a deleted ordinal is never returned.
 *
 * <p>Life cycle: below {@value #MIN_HASHED} vectors searches scan exactly. Then the tables are built in a background
 * thread, with automatic parameters chosen from the data, and rebuilt the same way whenever the data has doubled
 * (only when {@code bits} or, for l2, {@code width} is automatic). Adds made during a build are logged and replayed
 * on the new tables under the write lock before the swap.
 *
 * <p>Scores: COSINE and DOT by dot product (cosine vectors arrive unit length), L2 as the negated Euclidean
 * distance. Filters accepting fewer than 3% of the vectors or fewer than 2000 are answered by an exact scan of the
 * accepted ordinals; otherwise candidates are filtered. When the candidates hold fewer than k results the search
 * falls back to an exact scan, so k results come back whenever k accepted vectors exist.
 *
 * <p>Closing releases the vectors and tables; a closed index refuses adds, removes and searches.
 */
final class LshIndex implements VectorIndex {
    private static final Logger LOG = LoggerFactory.getLogger(LshIndex.class);
    static final int MIN_HASHED = 1000;
    static final int EXACT_FILTER_MAX = 2000;
    static final double EXACT_FILTER_FRACTION = 0.03;
    static final long SEED = 0x5EED_15AL;
    /** Automatic l2 width: this multiple of the median distance to the 10th nearest neighbour in a sample. */
    static final double WIDTH_FACTOR = 3.0;

    private static final int CHUNK = 1024;
    private static final ScoredOrdinals EMPTY = new ScoredOrdinals(new int[0], new float[0]);
    /** The distance kernels: SIMD when the JVM has the Vector API (a constant, so calls are direct). */
    private static final VectorMath MATH = VectorMath.get();

    private final String collection;
    private final VectorSource source;
    private final int dim;
    private final boolean l2;
    private final LshParams.Build build;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private final float[] insertScratch;
    private VectorPages vectors; // guarded by lock
    private LshTables tables; // guarded by lock
    private int builtFor; // guarded by lock
    private int[] pending; // guarded by lock; ordinals added while a build runs
    private int pendingCount;
    private volatile int liveCount;
    private volatile boolean closed;
    private volatile Thread builder;

    LshIndex(IndexContext context, LshParams.Build build) {
        this.collection = context.collection();
        this.source = context.vectors();
        this.dim = source.dimension();
        this.l2 = context.metric() == Metric.L2;
        this.build = build;
        this.vectors = new VectorPages(dim);
        this.insertScratch = new float[build.tables() * LshParams.MAX_BITS];
    }

    // ------------------------------------------------------------------------------------------------ writes

    /** Indexes {@code vector}, or when it is {@code null} the vector of {@code ordinal} read from the source. */
    @Override
    public void add(int ordinal, float[] vector) {
        checkOpen();
        if (ordinal < 0) {
            throw new IllegalArgumentException("negative ordinal " + ordinal);
        }
        if (vector == null) {
            vector = new float[dim];
            source.copyVector(ordinal, vector);
        } else if (vector.length != dim) {
            throw new IllegalArgumentException("vector of " + vector.length + " dimensions, expected " + dim);
        }
        lock.writeLock().lock();
        try {
            checkOpen();
            vectors.put(ordinal, vector);
            liveCount = vectors.liveCount();
            if (tables != null) {
                tables.insert(ordinal, vectors.page(ordinal), vectors.offset(ordinal), insertScratch);
            }
            if (pending != null) {
                if (pendingCount == pending.length) {
                    pending = Arrays.copyOf(pending, pending.length * 2);
                }
                pending[pendingCount++] = ordinal;
            }
        } finally {
            lock.writeLock().unlock();
        }
        maybeRebuild();
    }

    @Override
    public void remove(int ordinal) {
        lock.writeLock().lock();
        try {
            checkOpen();
            vectors.kill(ordinal);
            liveCount = vectors.liveCount();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void maybeRebuild() {
        if (closed || rebuilding.get()) {
            return;
        }
        if (rebuildDue() && rebuilding.compareAndSet(false, true)) {
            Thread t = new Thread(
                    () -> {
                        try {
                            do {
                                rebuild();
                            } while (!closed && rebuildDue()); // the data may have doubled again meanwhile
                        } catch (Throwable e) {
                            LOG.warn(
                                    "Collection '{}': building the lsh tables failed; searches scan exactly",
                                    collection,
                                    e);
                        } finally {
                            rebuilding.set(false);
                        }
                    },
                    "caracal-lsh-build-" + collection);
            t.setDaemon(true);
            builder = t;
            t.start();
        }
    }

    private boolean rebuildDue() {
        int live = liveCount;
        lock.readLock().lock();
        try {
            boolean auto = build.bits() == 0 || (l2 && build.width() == 0);
            return tables == null ? live >= MIN_HASHED : auto && live >= 2L * builtFor;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Builds the tables now on the calling thread unless a build runs (tests). */
    void rebuildNow() throws InterruptedException {
        while (!rebuilding.compareAndSet(false, true)) {
            awaitBuild();
        }
        try {
            rebuild();
        } finally {
            rebuilding.set(false);
        }
    }

    /** Waits until no build runs (tests). */
    void awaitBuild() throws InterruptedException {
        while (rebuilding.get()) {
            Thread t = builder;
            if (t != null) {
                t.join(100);
            } else {
                Thread.sleep(5);
            }
        }
    }

    boolean hashed() {
        lock.readLock().lock();
        try {
            return tables != null;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Bits and width of the current tables (tests, logs). */
    String describeTables() {
        lock.readLock().lock();
        try {
            return tables == null
                    ? "exact"
                    : "tables " + tables.tables + " bits " + tables.bits
                            + (l2 ? String.format(" width %.4g", tables.width) : "");
        } finally {
            lock.readLock().unlock();
        }
    }

    private void rebuild() {
        int end;
        int n;
        lock.writeLock().lock();
        try {
            end = vectors.maxOrdinal();
            n = vectors.liveCount();
            pending = new int[256];
            pendingCount = 0;
        } finally {
            lock.writeLock().unlock();
        }
        try {
            if (n == 0) {
                return;
            }
            long start = System.nanoTime();
            int bits = build.bits() > 0 ? build.bits() : LshParams.autoBits(n, l2);
            float width = !l2 ? 0f : build.width() > 0 ? (float) build.width() : estimateWidth(end);
            LshTables fresh = new LshTables(dim, l2, build.tables(), bits, width, SEED);
            float[] scratch = new float[build.tables() * bits];
            for (int from = 0; from < end && !closed; from += CHUNK) {
                lock.readLock().lock();
                try {
                    for (int o = from, to = Math.min(end, from + CHUNK); o < to; o++) {
                        if (vectors.isLive(o)) {
                            fresh.insert(o, vectors.page(o), vectors.offset(o), scratch);
                        }
                    }
                } finally {
                    lock.readLock().unlock();
                }
            }
            lock.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                for (int i = 0; i < pendingCount; i++) {
                    int o = pending[i];
                    if (vectors.isLive(o)) {
                        fresh.insert(o, vectors.page(o), vectors.offset(o), scratch);
                    }
                }
                tables = fresh;
                builtFor = n;
            } finally {
                lock.writeLock().unlock();
            }
            LOG.info(
                    "Collection '{}': lsh tables built for {} vectors ({}) in {} ms",
                    collection,
                    n,
                    describeTables(),
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            lock.writeLock().lock();
            try {
                pending = null;
                pendingCount = 0;
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** {@link #WIDTH_FACTOR} times the median distance from 100 sampled vectors to their 10th nearest neighbour. */
    private float estimateWidth(int end) {
        SplittableRandom random = new SplittableRandom(SEED);
        int[] sample = new int[100];
        int found = 0;
        float[] q = new float[dim];
        float[] dist = new float[sample.length];
        int measured = 0;
        int stride = Math.max(1, end / 20_000); // at most ~20k candidates per sampled query
        for (int attempt = 0; attempt < 10_000 && found < sample.length; attempt++) {
            int o = random.nextInt(end);
            lock.readLock().lock();
            try {
                if (!vectors.isLive(o)) {
                    continue;
                }
                vectors.copy(o, q, 0);
                TopK top = new TopK(10);
                for (int c = random.nextInt(stride); c < end; c += stride) {
                    if (c != o && vectors.isLive(c)) {
                        top.offer(c, -MATH.squareDistance(q, 0, vectors.page(c), vectors.offset(c), dim));
                    }
                }
                if (top.isFull()) {
                    dist[measured++] = (float) Math.sqrt(-top.threshold());
                }
                found++;
            } finally {
                lock.readLock().unlock();
            }
        }
        if (measured == 0) {
            return 1f;
        }
        Arrays.sort(dist, 0, measured);
        float median = dist[measured / 2];
        return median > 0 ? (float) (WIDTH_FACTOR * median) : 1f;
    }

    // ------------------------------------------------------------------------------------------------ search

    @Override
    public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
        if (query == null || query.length != dim) {
            throw new IllegalArgumentException("query of the wrong dimension");
        }
        int probes = LshParams.probes(params);
        lock.readLock().lock();
        try {
            checkOpen();
            int live = vectors.liveCount();
            if (k <= 0 || live == 0) {
                return EMPTY;
            }
            if (tables == null
                    || (filter != null
                            && (filter.estimatedCount() < EXACT_FILTER_MAX
                                    || filter.estimatedCount() < EXACT_FILTER_FRACTION * live))) {
                return exactScan(query, k, filter);
            }
            LshTables t = tables;
            float[] projections = new float[t.tables * t.bits];
            t.project(query, 0, projections);
            if (filter != null) { // fewer candidates pass: probe more buckets, in proportion
                double ratio = (double) live / Math.max(1, filter.estimatedCount());
                probes = (int) Math.min(LshParams.MAX_PROBES, Math.ceil(Math.max(1, probes) * Math.max(1, ratio)));
            }
            int[] keys = new int[probes + 1];
            int scratch = LshTables.scratchLength(t.bits);
            float[] margins = new float[scratch];
            int[] deltas = new int[scratch];
            int[] functions = new int[scratch];
            long[] seen = new long[(vectors.maxOrdinal() + 63) >>> 6];
            TopK top = new TopK(k);
            for (int table = 0; table < t.tables; table++) {
                LshTables.Buckets buckets = t.buckets(table);
                int n = t.probeKeys(projections, table, probes, keys, margins, deltas, functions);
                for (int p = 0; p < n; p++) {
                    int id = buckets.find(keys[p]);
                    if (id < 0) {
                        continue;
                    }
                    int[] list = buckets.lists[id];
                    for (int i = 0, size = buckets.sizes[id]; i < size; i++) {
                        int o = list[i];
                        long bit = 1L << o;
                        if ((seen[o >>> 6] & bit) != 0) {
                            continue;
                        }
                        seen[o >>> 6] |= bit;
                        if (vectors.isLive(o) && (filter == null || filter.accept(o))) {
                            top.offer(o, score(query, o));
                        }
                    }
                }
            }
            if (top.size() < k && top.size() < live) {
                return exactScan(query, k, filter); // too few candidates: exact, so k come back when k exist
            }
            return drain(top);
        } finally {
            lock.readLock().unlock();
        }
    }

    private float score(float[] query, int ordinal) {
        float[] page = vectors.page(ordinal);
        int off = vectors.offset(ordinal);
        return l2 ? -MATH.squareDistance(query, 0, page, off, dim) : MATH.dot(query, 0, page, off, dim);
    }

    /** Drains {@code top} best first; for l2 the negated squared distances become negated distances. */
    private ScoredOrdinals drain(TopK top) {
        int n = top.size();
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        top.drainSorted(ordinals, scores);
        if (l2) {
            Scores.negatedSquaredToNegatedDistance(scores, n);
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    /** Under the read lock. */
    private ScoredOrdinals exactScan(float[] query, int k, OrdinalFilter filter) {
        TopK top = new TopK(k);
        for (int o = 0, end = vectors.maxOrdinal(); o < end; o++) {
            if (vectors.isLive(o) && (filter == null || filter.accept(o))) {
                top.offer(o, score(query, o));
            }
        }
        return drain(top);
    }

    @Override
    public int size() {
        return liveCount;
    }

    @Override
    public long memoryBytes() {
        lock.readLock().lock();
        try {
            return vectors.memoryBytes() + (tables == null ? 0 : tables.memoryBytes());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Releases the vectors and tables; a build still running finds the index closed and drops its tables. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            vectors = new VectorPages(dim);
            tables = null;
            liveCount = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the lsh index of collection '" + collection + "' is closed");
        }
    }
}
