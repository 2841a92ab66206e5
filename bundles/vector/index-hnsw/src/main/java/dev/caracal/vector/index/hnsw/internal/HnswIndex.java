package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hierarchical navigable small world graph over a collection's vectors, keyed by ordinal (node id = ordinal).
 *
 * <p>Storage is primitive and paged by ordinal ({@value #PAGE_SIZE} nodes a page, allocated on first use): the
 * index's own copy of the vectors ({@code float[]} pages), level-0 neighbour blocks ({@code int[]} pages of
 * {@code 1 + 2m} ints: count, ids), per-node metadata (level + 1, first upper block, upper blocks allocated),
 * tombstones (a {@code long[]} bitset per page) and an arena of upper-level blocks ({@code 1 + m} ints each, a node
 * of level L owns L consecutive blocks).
 *
 * <p>Concurrency: adds, removes and searches run concurrently under the read side of {@link #structure}; only
 * compaction and persistence take the write side. A neighbour list is changed under its node's stripe lock, entries
 * first and then the count with release semantics; searches read the count with acquire semantics and the entries
 * without locks (they may see a slightly stale list, never an invalid id: every id read is range-checked).
 */
final class HnswIndex implements VectorIndex {
    private static final Logger LOG = LoggerFactory.getLogger(HnswIndex.class);
    static final int PAGE_BITS = 12;
    static final int PAGE_SIZE = 1 << PAGE_BITS;
    static final int PAGE_MASK = PAGE_SIZE - 1;
    static final int UPPER_PAGE_BLOCKS = 1024;
    static final int MAX_LEVEL = 15;
    private static final int META = 3; // level + 1 (0 = absent), first upper block, upper blocks allocated
    private static final int STRIPES = 1024;
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    static final String FILE_NAME = "hnsw.graph";
    private static final int MAGIC = 0x48_4E_53_57; // "HNSW"
    private static final int FORMAT_VERSION = 1;

    final String collection;
    final Metric metric;
    final boolean l2;
    /**
     * Whether the graph is built on Euclidean distance: for L2, and for DOT, where building on the inner product
     * itself makes a few large vectors hubs of every list (searches still rank by the inner product).
     */
    final boolean graphL2;
    final int dim;
    final int m;
    final int m0;
    final int efConstruction;
    final int defaultEf;
    private final double levelFactor;
    private final VectorMath math;
    private final IndexContext context;
    private final Path directory;

    /** The page directories; replaced (copied, longer) when they grow, pages themselves never move. */
    private static final class Pages {
        final float[][] vectors;
        final int[][] level0;
        final int[][] meta;
        final long[][] tombs;

        Pages(int n) {
            vectors = new float[n][];
            level0 = new int[n][];
            meta = new int[n][];
            tombs = new long[n][];
        }

        Pages(Pages old, int n) {
            vectors = Arrays.copyOf(old.vectors, n);
            level0 = Arrays.copyOf(old.level0, n);
            meta = Arrays.copyOf(old.meta, n);
            tombs = Arrays.copyOf(old.tombs, n);
        }
    }

    private volatile Pages pages = new Pages(0);
    private volatile int[][] upper = new int[0][];
    private int upperUsed; // guarded by growLock
    private final Object growLock = new Object();
    private final Object[] stripes = new Object[STRIPES];
    private final Object entryLock = new Object();
    /** The entry point, {@code level << 32 | node}, or -1 when the graph is empty. */
    private volatile long entry = -1;
    final ReentrantReadWriteLock structure = new ReentrantReadWriteLock();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger tombstoned = new AtomicInteger();
    private final AtomicInteger limit = new AtomicInteger(); // one past the highest node ever present
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean closed;
    private final ThreadLocal<Scratch> scratch;

    // tunables (package-private for tests)
    /** Compact when tombstones exceed this fraction of the nodes. */
    double compactionRatio = 0.2;
    /** A filtered search scans exactly when at most this many records are estimated to match ... */
    int exactScanMaxMatches = 2_000;
    /** ... or when the estimated fraction of matching records is below this. */
    double exactScanSelectivity = 0.03;
    /** The most candidates a filtered traversal keeps, however selective the filter. */
    int maxFilteredEf = 4_096;
    /** Whether lists the heuristic leaves short are topped up with the pruned candidates (off: plain heuristic). */
    boolean fillPruned;

    HnswIndex(IndexContext context, HnswParams params) {
        this.context = context;
        this.collection = context.collection();
        this.metric = context.metric();
        this.l2 = metric == Metric.L2;
        this.graphL2 = metric != Metric.COSINE;
        this.dim = context.vectors().dimension();
        this.m = params.m();
        this.m0 = 2 * params.m();
        this.efConstruction = params.efConstruction();
        this.defaultEf = params.ef();
        this.levelFactor = 1.0 / Math.log(m);
        this.math = VectorMathHolder.INSTANCE;
        this.directory = context.directory();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    // ---------------------------------------------------------------------------------------------------------
    // encoding of (score, node) as a sortable long

    static long encode(float score, int node) {
        int b = Float.floatToRawIntBits(score);
        b ^= (b >> 31) & 0x7fffffff;
        return ((long) b << 32) | (node & 0xffffffffL);
    }

    static float scoreOf(long e) {
        int b = (int) (e >> 32);
        b ^= (b >> 31) & 0x7fffffff;
        return Float.intBitsToFloat(b);
    }

    static int nodeOf(long e) {
        return (int) e;
    }

    // ---------------------------------------------------------------------------------------------------------
    // storage

    private void ensurePage(int node) {
        int page = node >>> PAGE_BITS;
        Pages p = pages;
        if (page < p.vectors.length && p.meta[page] != null) {
            return;
        }
        synchronized (growLock) {
            p = pages;
            if (page >= p.vectors.length) {
                p = new Pages(p, Math.max(page + 1, p.vectors.length + (p.vectors.length >> 1) + 1));
            }
            if (p.meta[page] == null) {
                p.vectors[page] = new float[PAGE_SIZE * dim];
                p.level0[page] = new int[PAGE_SIZE * (1 + m0)];
                p.tombs[page] = new long[PAGE_SIZE / 64];
                p.meta[page] = new int[PAGE_SIZE * META]; // last: its presence means the page is complete
                bytes.addAndGet(4L * PAGE_SIZE * (dim + 1 + m0 + META) + PAGE_SIZE / 8);
            }
            pages = p; // volatile write publishes the page
        }
    }

    /** Allocates {@code count} consecutive upper-level blocks; returns the first. */
    private int allocateUpper(int count) {
        synchronized (growLock) {
            int first = upperUsed;
            int needed = (first + count + UPPER_PAGE_BLOCKS - 1) / UPPER_PAGE_BLOCKS;
            int[][] u = upper;
            if (needed > u.length) {
                u = Arrays.copyOf(u, Math.max(needed, u.length * 2));
                for (int i = 0; i < u.length; i++) {
                    if (u[i] == null) {
                        u[i] = new int[UPPER_PAGE_BLOCKS * (1 + m)];
                        bytes.addAndGet(4L * UPPER_PAGE_BLOCKS * (1 + m));
                    }
                }
                upper = u;
            }
            upperUsed = first + count;
            return first;
        }
    }

    /** The level of {@code node}, or -1 when it is not in the graph. */
    private int levelOf(Pages p, int node) {
        int page = node >>> PAGE_BITS;
        if (node < 0 || page >= p.meta.length) {
            return -1;
        }
        int[] meta = p.meta[page];
        return meta == null ? -1 : meta[(node & PAGE_MASK) * META] - 1;
    }

    private boolean isTombstoned(Pages p, int node) {
        long[] t = p.tombs[node >>> PAGE_BITS];
        return t != null && (t[(node & PAGE_MASK) >>> 6] & (1L << node)) != 0;
    }

    /** Sets or clears the tombstone of {@code node}; returns whether it changed. */
    private boolean setTombstone(Pages p, int node, boolean on) {
        long[] t = p.tombs[node >>> PAGE_BITS];
        int i = (node & PAGE_MASK) >>> 6;
        long bit = 1L << node;
        long before = on ? (long) LONGS.getAndBitwiseOr(t, i, bit) : (long) LONGS.getAndBitwiseAnd(t, i, ~bit);
        return ((before & bit) != 0) != on;
    }

    /** The array holding the neighbour list of {@code node} at {@code level}; {@link #listBase} gives the offset. */
    private int[] listArray(Pages p, int node, int level) {
        if (level == 0) {
            return p.level0[node >>> PAGE_BITS];
        }
        int[] meta = p.meta[node >>> PAGE_BITS];
        int block = meta[(node & PAGE_MASK) * META + 1] + level - 1;
        int[][] u = upper;
        int page = block / UPPER_PAGE_BLOCKS;
        return page < u.length ? u[page] : null;
    }

    private int listBase(Pages p, int node, int level) {
        if (level == 0) {
            return (node & PAGE_MASK) * (1 + m0);
        }
        int[] meta = p.meta[node >>> PAGE_BITS];
        int block = meta[(node & PAGE_MASK) * META + 1] + level - 1;
        return (block % UPPER_PAGE_BLOCKS) * (1 + m);
    }

    private int maxConnections(int level) {
        return level == 0 ? m0 : m;
    }

    /** Copies the neighbours of {@code node} at {@code level} into {@code out}; returns how many. Lock-free. */
    private int readNeighbors(Pages p, int node, int level, int[] out) {
        if (levelOf(p, node) < level) {
            return 0;
        }
        int[] a = listArray(p, node, level);
        if (a == null) {
            return 0;
        }
        int base = listBase(p, node, level);
        int count = Math.min((int) INTS.getAcquire(a, base), maxConnections(level));
        int n = 0;
        for (int i = 0; i < count; i++) {
            out[n++] = a[base + 1 + i];
        }
        return n;
    }

    /** Replaces the neighbour list (the caller holds the node's stripe lock). */
    private void writeNeighbors(Pages p, int node, int level, int[] ids, int count) {
        int[] a = listArray(p, node, level);
        int base = listBase(p, node, level);
        for (int i = 0; i < count; i++) {
            a[base + 1 + i] = ids[i];
        }
        INTS.setRelease(a, base, count);
    }

    private Object stripe(int node) {
        return stripes[node & (STRIPES - 1)];
    }

    private float[] vectorPage(Pages p, int node) {
        int page = node >>> PAGE_BITS;
        return page < p.vectors.length ? p.vectors[page] : null;
    }

    /** Similarity of a query to a stored node: higher is closer (dot product, or negated squared distance). */
    private float similarity(float[] q, float[] page, int node, boolean euclidean) {
        int off = (node & PAGE_MASK) * dim;
        return euclidean ? -math.squareDistance(q, 0, page, off, dim) : math.dot(q, 0, page, off, dim);
    }

    private float similarity(Pages p, int a, int b) {
        float[] pa = vectorPage(p, a);
        float[] pb = vectorPage(p, b);
        if (pa == null || pb == null) {
            return Float.NEGATIVE_INFINITY;
        }
        int oa = (a & PAGE_MASK) * dim;
        int ob = (b & PAGE_MASK) * dim;
        return graphL2 ? -math.squareDistance(pa, oa, pb, ob, dim) : math.dot(pa, oa, pb, ob, dim);
    }

    /** The score a caller sees: cosine and dot as computed, L2 as the negated Euclidean distance. */
    private float externalScore(float similarity) {
        return l2 ? (float) -Math.sqrt(Math.max(0f, -similarity)) : similarity;
    }

    // ---------------------------------------------------------------------------------------------------------
    // per-thread search state

    private static final class Scratch {
        int[] visited = new int[0];
        int generation;
        final LongHeap candidates = new LongHeap(256);
        final LongHeap results = new LongHeap(256);
        int[] neighbors = new int[0];

        void startVisit(int capacity) {
            if (visited.length < capacity) {
                visited = new int[Math.max(capacity, visited.length + (visited.length >> 1))];
                generation = 0;
            }
            if (++generation == Integer.MAX_VALUE) {
                Arrays.fill(visited, 0);
                generation = 1;
            }
        }

        /** Marks {@code node} visited; returns false when it already was. */
        boolean visit(int node) {
            if (node >= visited.length) {
                visited = Arrays.copyOf(visited, node + 1 + (node >> 2));
            }
            if (visited[node] == generation) {
                return false;
            }
            visited[node] = generation;
            return true;
        }

        int[] neighbors(int size) {
            if (neighbors.length < size) {
                neighbors = new int[size];
            }
            return neighbors;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // graph search

    /** Greedy descent from the entry point to {@code targetLevel + 1}; returns the closest node found. */
    private int greedy(Pages p, Scratch s, float[] q, int node, int fromLevel, int targetLevel, boolean euclidean) {
        float[] page = vectorPage(p, node);
        float best = page == null ? Float.NEGATIVE_INFINITY : similarity(q, page, node, euclidean);
        int[] nb = s.neighbors(m0);
        for (int level = fromLevel; level > targetLevel; level--) {
            boolean changed = true;
            while (changed) {
                changed = false;
                int n = readNeighbors(p, node, level, nb);
                for (int i = 0; i < n; i++) {
                    int c = nb[i];
                    float[] cp = c >= 0 ? vectorPage(p, c) : null;
                    if (cp == null || levelOf(p, c) < level) {
                        continue;
                    }
                    float sim = similarity(q, cp, c, euclidean);
                    if (sim > best) {
                        best = sim;
                        node = c;
                        changed = true;
                    }
                }
            }
        }
        return node;
    }

    /**
     * Beam search on one level from the nodes in {@code s.results} (which it replaces): keeps the {@code ef} best
     * nodes that are not tombstoned, {@code filter} accepts (if given) and are not {@code exclude}; every node is a
     * stepping stone.
     */
    private void searchLevel(Pages p, Scratch s, float[] q, int ef, int level, OrdinalFilter filter, int exclude,
                             long[] entries, int entryCount, boolean euclidean) {
        LongHeap cand = s.candidates;
        LongHeap res = s.results;
        cand.clear();
        res.clear();
        s.startVisit(limit.get());
        for (int i = 0; i < entryCount; i++) {
            int e = nodeOf(entries[i]);
            if (!s.visit(e)) {
                continue;
            }
            float[] page = vectorPage(p, e);
            if (page == null) {
                continue;
            }
            float sim = similarity(q, page, e, euclidean);
            cand.push(~encode(sim, e));
            if (accepted(p, e, filter, exclude)) {
                res.push(encode(sim, e));
                if (res.size() > ef) {
                    res.pop();
                }
            }
        }
        int[] nb = s.neighbors(m0);
        while (cand.size() > 0) {
            long c = ~cand.pop();
            if (res.size() >= ef && scoreOf(c) < scoreOf(res.peek())) {
                break;
            }
            int n = readNeighbors(p, nodeOf(c), level, nb);
            for (int i = 0; i < n; i++) {
                int x = nb[i];
                if (x < 0 || !s.visit(x)) {
                    continue;
                }
                float[] page = vectorPage(p, x);
                if (page == null || levelOf(p, x) < level) {
                    continue;
                }
                float sim = similarity(q, page, x, euclidean);
                if (res.size() < ef || sim > scoreOf(res.peek())) {
                    cand.push(~encode(sim, x));
                    if (accepted(p, x, filter, exclude)) {
                        res.push(encode(sim, x));
                        if (res.size() > ef) {
                            res.pop();
                        }
                    }
                }
            }
        }
    }

    private boolean accepted(Pages p, int node, OrdinalFilter filter, int exclude) {
        return node != exclude && !isTombstoned(p, node) && (filter == null || filter.accept(node));
    }

    /** Drains {@code heap} (a min-heap of encoded entries) best first. */
    private static long[] drainBestFirst(LongHeap heap) {
        long[] out = new long[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = heap.pop();
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // neighbour selection

    /**
     * The diversity heuristic: walks {@code candidates} (encoded, best first, similarity to the base node) and keeps
     * a candidate only if it is closer to the base than to every neighbour kept so far. Returns how many it kept.
     */
    private int selectDiverse(Pages p, long[] candidates, int count, int max, int[] out) {
        int kept = 0;
        int[] pruned = fillPruned ? new int[count] : null;
        int prunedCount = 0;
        for (int i = 0; i < count && kept < max; i++) {
            int c = nodeOf(candidates[i]);
            float sim = scoreOf(candidates[i]);
            boolean good = true;
            for (int j = 0; j < kept; j++) {
                if (similarity(p, c, out[j]) > sim) {
                    good = false;
                    break;
                }
            }
            if (good) {
                out[kept++] = c;
            } else if (fillPruned) {
                pruned[prunedCount++] = c;
            }
        }
        for (int i = 0; i < prunedCount && kept < max; i++) {
            out[kept++] = pruned[i];
        }
        return kept;
    }

    /** Adds {@code node} to the neighbour list of {@code target}, shrinking it with the heuristic when full. */
    private void link(Pages p, int target, int level, int node) {
        int max = maxConnections(level);
        synchronized (stripe(target)) {
            if (levelOf(p, target) < level) {
                return;
            }
            int[] a = listArray(p, target, level);
            int base = listBase(p, target, level);
            int count = Math.min(a[base], max);
            for (int i = 0; i < count; i++) {
                if (a[base + 1 + i] == node) {
                    return;
                }
            }
            if (count < max) {
                a[base + 1 + count] = node;
                INTS.setRelease(a, base, count + 1);
                return;
            }
            long[] cands = new long[count + 1];
            for (int i = 0; i < count; i++) {
                int c = a[base + 1 + i];
                cands[i] = encode(similarity(p, target, c), c);
            }
            cands[count] = encode(similarity(p, target, node), node);
            sortBestFirst(cands, count + 1);
            int[] out = new int[max];
            int kept = selectDiverse(p, cands, count + 1, max, out);
            writeNeighbors(p, target, level, out, kept);
        }
    }

    private static void sortBestFirst(long[] a, int n) {
        Arrays.sort(a, 0, n);
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // VectorIndex

    @Override
    public void add(int ordinal, float[] vector) {
        if (ordinal < 0) {
            throw new IllegalArgumentException("negative ordinal " + ordinal);
        }
        if (vector == null) {
            vector = new float[dim];
            context.vectors().copyVector(ordinal, vector);
        }
        if (vector.length != dim) {
            throw new IllegalArgumentException("vector of " + vector.length + " dimensions, expected " + dim);
        }
        structure.readLock().lock();
        try {
            checkOpen();
            insert(ordinal, vector);
        } finally {
            structure.readLock().unlock();
        }
        compactIfNeeded();
    }

    private void insert(int node, float[] vector) {
        ensurePage(node);
        Pages p = pages;
        int[] meta = p.meta[node >>> PAGE_BITS];
        int mo = (node & PAGE_MASK) * META;
        int level;
        synchronized (stripe(node)) {
            int existing = meta[mo] - 1;
            if (existing >= 0) {
                // re-add of a node still in the graph (live or tombstoned): new vector, same level, relinked
                level = existing;
                if (setTombstone(p, node, false)) {
                    tombstoned.decrementAndGet();
                    live.incrementAndGet();
                }
            } else {
                level = randomLevel();
                if (level > 0) {
                    if (meta[mo + 2] < level) {
                        meta[mo + 1] = allocateUpper(level);
                        meta[mo + 2] = level;
                    }
                    p = pages; // allocateUpper does not change pages, but re-read for clarity
                }
                setTombstone(p, node, false);
                live.incrementAndGet();
            }
            System.arraycopy(vector, 0, p.vectors[node >>> PAGE_BITS], (node & PAGE_MASK) * dim, dim);
            for (int l = 0; l <= level; l++) {
                if (existing < 0) {
                    INTS.setRelease(listArray(p, node, l), listBase(p, node, l), 0);
                }
            }
            meta[mo] = level + 1;
        }
        limit.accumulateAndGet(node + 1, Math::max);

        long ep = entry;
        if (ep < 0) {
            synchronized (entryLock) {
                if (entry < 0) {
                    entry = ((long) level << 32) | node;
                    return;
                }
                ep = entry;
            }
        }
        int epNode = nodeOf(ep);
        int epLevel = (int) (ep >>> 32);
        Scratch s = scratch.get();
        int cur = epNode == node ? epNode : greedy(p, s, vector, epNode, epLevel, level, graphL2);
        long[] entries = {encode(0f, cur)};
        int entryCount = 1;
        for (int l = Math.min(level, epLevel); l >= 0; l--) {
            searchLevel(p, s, vector, efConstruction, l, null, node, entries, entryCount, graphL2);
            long[] found = drainBestFirst(s.results);
            if (found.length == 0) {
                continue;
            }
            int max = maxConnections(l);
            int[] selected = new int[max];
            int kept = selectDiverse(p, found, found.length, max, selected);
            synchronized (stripe(node)) {
                writeNeighbors(p, node, l, selected, kept);
            }
            for (int i = 0; i < kept; i++) {
                link(p, selected[i], l, node);
            }
            entries = found;
            entryCount = found.length;
        }
        if (level > epLevel) {
            synchronized (entryLock) {
                if (level > (int) (entry >>> 32)) {
                    entry = ((long) level << 32) | node;
                }
            }
        }
    }

    private int randomLevel() {
        double r = ThreadLocalRandom.current().nextDouble();
        return (int) Math.min(MAX_LEVEL, Math.floor(-Math.log(1.0 - r) * levelFactor));
    }

    @Override
    public void remove(int ordinal) {
        structure.readLock().lock();
        try {
            checkOpen();
            Pages p = pages;
            int level = levelOf(p, ordinal);
            if (level < 0 || !setTombstone(p, ordinal, true)) {
                return;
            }
            live.decrementAndGet();
            tombstoned.incrementAndGet();
            repairAround(p, ordinal, level);
        } finally {
            structure.readLock().unlock();
        }
        compactIfNeeded();
    }

    /**
     * Reconnects the neighbours of a deleted node that linked to it: each gets its list rebuilt by the heuristic
     * from its other neighbours plus the deleted node's neighbours.
     */
    private void repairAround(Pages p, int deleted, int level) {
        int[] dn = new int[m0];
        int[] nn = new int[m0];
        for (int l = 0; l <= level; l++) {
            int dCount = readNeighbors(p, deleted, l, dn);
            for (int i = 0; i < dCount; i++) {
                int n = dn[i];
                if (n == deleted || levelOf(p, n) < l || isTombstoned(p, n)) {
                    continue;
                }
                synchronized (stripe(n)) {
                    int nCount = readNeighbors(p, n, l, nn);
                    if (!contains(nn, nCount, deleted)) {
                        continue;
                    }
                    rebuildList(p, n, l, nn, nCount, dn, dCount);
                }
            }
        }
    }

    /**
     * Rebuilds the list of {@code node} at {@code level} from its current neighbours and {@code extra} candidates,
     * dropping tombstoned ones (the caller holds the stripe lock of {@code node}).
     */
    private void rebuildList(Pages p, int node, int level, int[] current, int currentCount, int[] extra,
                             int extraCount) {
        long[] cands = new long[currentCount + extraCount];
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            int[] src = pass == 0 ? current : extra;
            int cnt = pass == 0 ? currentCount : extraCount;
            for (int i = 0; i < cnt; i++) {
                int c = src[i];
                if (c == node || levelOf(p, c) < level || isTombstoned(p, c)) {
                    continue;
                }
                boolean dup = false;
                for (int j = 0; j < n; j++) {
                    if (nodeOf(cands[j]) == c) {
                        dup = true;
                        break;
                    }
                }
                if (!dup) {
                    cands[n++] = encode(similarity(p, node, c), c);
                }
            }
        }
        sortBestFirst(cands, n);
        int max = maxConnections(level);
        int[] out = new int[max];
        int kept = selectDiverse(p, cands, n, max, out);
        writeNeighbors(p, node, level, out, kept);
    }

    private static boolean contains(int[] a, int n, int x) {
        for (int i = 0; i < n; i++) {
            if (a[i] == x) {
                return true;
            }
        }
        return false;
    }

    private void compactIfNeeded() {
        int t = tombstoned.get();
        if (t >= 64 && t > compactionRatio * (t + live.get())) {
            compact();
        }
    }

    /**
     * Unlinks tombstoned nodes from every list (refilling a list that lost neighbours from the removed nodes'
     * neighbours) and frees their slots, under the write lock.
     */
    void compact() {
        structure.writeLock().lock();
        try {
            if (closed || tombstoned.get() == 0) {
                return;
            }
            Pages p = pages;
            int end = limit.get();
            int[] list = new int[m0];
            int[] extra = new int[m0 * m0];
            int[] tmp = new int[m0];
            for (int node = 0; node < end; node++) {
                int level = levelOf(p, node);
                if (level < 0 || isTombstoned(p, node)) {
                    continue;
                }
                for (int l = 0; l <= level; l++) {
                    int count = readNeighbors(p, node, l, list);
                    int extraCount = 0;
                    boolean lost = false;
                    for (int i = 0; i < count; i++) {
                        int c = list[i];
                        if (levelOf(p, c) < l || isTombstoned(p, c)) {
                            lost = true;
                            if (levelOf(p, c) >= l) {
                                int k = readNeighbors(p, c, l, tmp);
                                for (int j = 0; j < k && extraCount < extra.length; j++) {
                                    extra[extraCount++] = tmp[j];
                                }
                            }
                        }
                    }
                    if (lost) {
                        rebuildList(p, node, l, list, count, extra, extraCount);
                    }
                }
            }
            int freed = 0;
            int bestNode = -1;
            int bestLevel = -1;
            for (int node = 0; node < end; node++) {
                int level = levelOf(p, node);
                if (level < 0) {
                    continue;
                }
                if (isTombstoned(p, node)) {
                    for (int l = 0; l <= level; l++) {
                        writeNeighbors(p, node, l, tmp, 0);
                    }
                    p.meta[node >>> PAGE_BITS][(node & PAGE_MASK) * META] = 0;
                    setTombstone(p, node, false);
                    freed++;
                } else if (level > bestLevel) {
                    bestLevel = level;
                    bestNode = node;
                }
            }
            tombstoned.addAndGet(-freed);
            long ep = entry;
            if (ep < 0 || levelOf(p, nodeOf(ep)) < 0) {
                entry = bestNode < 0 ? -1 : ((long) bestLevel << 32) | bestNode;
            }
            LOG.debug("Collection '{}': hnsw compaction freed {} nodes", collection, freed);
        } finally {
            structure.writeLock().unlock();
        }
    }

    @Override
    public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query of " + query.length + " dimensions, expected " + dim);
        }
        Object efParam = params == null ? null : params.get("ef");
        int ef = Math.max(k, efParam instanceof Number n ? n.intValue() : defaultEf);
        structure.readLock().lock();
        try {
            checkOpen();
            long ep = entry;
            int liveNow = live.get();
            if (ep < 0 || liveNow == 0 || k <= 0) {
                return new ScoredOrdinals(new int[0], new float[0]);
            }
            Pages p = pages;
            if (filter != null) {
                int estimate = filter.estimatedCount();
                if (estimate < liveNow) {
                    double selectivity = Math.max(estimate, 1) / (double) liveNow;
                    if (estimate <= exactScanMaxMatches || selectivity < exactScanSelectivity) {
                        return exactScan(p, query, k, filter);
                    }
                    int filteredEf = (int) Math.min(Math.max(ef, maxFilteredEf), Math.ceil(ef / selectivity));
                    ScoredOrdinals r = traverse(p, query, k, filteredEf, filter, true, ep);
                    return r.size() < k ? exactScan(p, query, k, filter) : r;
                }
            }
            // no restriction beyond liveness: traverse unfiltered, then check the filter on the results
            return traverse(p, query, k, ef, filter, false, ep);
        } finally {
            structure.readLock().unlock();
        }
    }

    private ScoredOrdinals traverse(Pages p, float[] q, int k, int ef, OrdinalFilter filter, boolean filterInside,
                                    long ep) {
        Scratch s = scratch.get();
        int cur = greedy(p, s, q, nodeOf(ep), (int) (ep >>> 32), 0, l2);
        searchLevel(p, s, q, ef, 0, filterInside ? filter : null, -1, new long[] {encode(0f, cur)}, 1, l2);
        long[] found = drainBestFirst(s.results);
        int[] ordinals = new int[Math.min(k, found.length)];
        float[] scores = new float[ordinals.length];
        int n = 0;
        for (int i = 0; i < found.length && n < ordinals.length; i++) {
            int o = nodeOf(found[i]);
            if (filterInside || filter == null || filter.accept(o)) {
                ordinals[n] = o;
                scores[n++] = externalScore(scoreOf(found[i]));
            }
        }
        return new ScoredOrdinals(Arrays.copyOf(ordinals, n), Arrays.copyOf(scores, n));
    }

    /** An exact scan of the index's own vectors, over the live nodes {@code filter} accepts. */
    ScoredOrdinals exactScan(Pages p, float[] q, int k, OrdinalFilter filter) {
        LongHeap top = scratch.get().results;
        top.clear();
        int end = limit.get();
        for (int node = 0; node < end; node++) {
            float[] page = vectorPage(p, node);
            if (page == null) {
                node |= PAGE_MASK; // skip an unallocated page
                continue;
            }
            if (levelOf(p, node) < 0 || isTombstoned(p, node) || (filter != null && !filter.accept(node))) {
                continue;
            }
            float sim = similarity(q, page, node, l2);
            if (top.size() < k) {
                top.push(encode(sim, node));
            } else if (sim > scoreOf(top.peek())) {
                top.replaceTop(encode(sim, node));
            }
        }
        long[] found = drainBestFirst(top);
        int[] ordinals = new int[found.length];
        float[] scores = new float[found.length];
        for (int i = 0; i < found.length; i++) {
            ordinals[i] = nodeOf(found[i]);
            scores[i] = externalScore(scoreOf(found[i]));
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    @Override
    public int size() {
        return live.get();
    }

    /** Nodes removed but not yet compacted away. */
    int tombstones() {
        return tombstoned.get();
    }

    @Override
    public long memoryBytes() {
        Pages p = pages;
        return bytes.get() + 32L * (p.vectors.length + upper.length) + STRIPES * 16L;
    }

    @Override
    public void close() {
        structure.writeLock().lock();
        try {
            closed = true;
            pages = new Pages(0);
            upper = new int[0][];
            entry = -1;
            live.set(0);
            tombstoned.set(0);
            bytes.set(0);
        } finally {
            structure.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the hnsw index of collection '" + collection + "' is closed");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // persistence
    //
    // File format (big-endian), version 1:
    //   int MAGIC, int version, int metric ordinal, int dimension, int m, int efConstruction,
    //   int limit, long entry, int nodes;
    //   per node (ascending ordinal): int ordinal, int level, byte tombstone, float[dimension] vector,
    //     per level 0..level: int count, int[count] neighbours;
    //   long CRC32 of everything before it.

    @Override
    public void persist() {
        if (directory == null) {
            return;
        }
        structure.writeLock().lock();
        try {
            checkOpen();
            Files.createDirectories(directory);
            Path tmp = directory.resolve(FILE_NAME + ".tmp");
            try (OutputStream raw = Files.newOutputStream(tmp)) {
                CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16),
                        new CRC32());
                DataOutputStream out = new DataOutputStream(checked);
                writeGraph(out);
                out.flush();
                long crc = checked.getChecksum().getValue();
                DataOutputStream tail = new DataOutputStream(raw);
                tail.writeLong(crc);
                tail.flush();
            }
            Files.move(tmp, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("persisting the hnsw index of '" + collection + "' failed", e);
        } finally {
            structure.writeLock().unlock();
        }
    }

    private void writeGraph(DataOutputStream out) throws IOException {
        Pages p = pages;
        int end = limit.get();
        int nodes = 0;
        for (int node = 0; node < end; node++) {
            if (levelOf(p, node) >= 0) {
                nodes++;
            }
        }
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(metric.ordinal());
        out.writeInt(dim);
        out.writeInt(m);
        out.writeInt(efConstruction);
        out.writeInt(end);
        out.writeLong(entry);
        out.writeInt(nodes);
        int[] list = new int[m0];
        for (int node = 0; node < end; node++) {
            int level = levelOf(p, node);
            if (level < 0) {
                continue;
            }
            out.writeInt(node);
            out.writeInt(level);
            out.writeByte(isTombstoned(p, node) ? 1 : 0);
            float[] page = p.vectors[node >>> PAGE_BITS];
            int off = (node & PAGE_MASK) * dim;
            for (int i = 0; i < dim; i++) {
                out.writeFloat(page[off + i]);
            }
            for (int l = 0; l <= level; l++) {
                int count = readNeighbors(p, node, l, list);
                out.writeInt(count);
                for (int i = 0; i < count; i++) {
                    out.writeInt(list[i]);
                }
            }
        }
    }

    /** Loads a persisted graph from the context directory; {@code null} when there is none or it is unusable. */
    static HnswIndex loadIfPresent(IndexContext context, HnswParams params) {
        Path dir = context.directory();
        Path file = dir == null ? null : dir.resolve(FILE_NAME);
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        HnswIndex index = new HnswIndex(context, params);
        try {
            long size = Files.size(file);
            try (InputStream raw = Files.newInputStream(file)) {
                CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16),
                        new CRC32());
                DataInputStream in = new DataInputStream(checked);
                index.readGraph(in, size);
                long computed = checked.getChecksum().getValue();
                long stored = new DataInputStream(checked).readLong();
                if (stored != computed) {
                    throw new IOException("checksum mismatch");
                }
            }
            return index;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Collection '{}': ignoring the persisted hnsw graph {} ({}); the index starts empty",
                    context.collection(), file, e.toString());
            index.close();
            return null;
        }
    }

    private void readGraph(DataInputStream in, long fileSize) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not an hnsw graph file");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException("unsupported format version " + version);
        }
        int metricOrdinal = in.readInt();
        int fileDim = in.readInt();
        int fileM = in.readInt();
        in.readInt(); // efConstruction: affects only future inserts
        if (metricOrdinal != metric.ordinal() || fileDim != dim || fileM != m) {
            throw new IOException("written for metric #" + metricOrdinal + ", dimension " + fileDim + ", m " + fileM
                    + "; this index has " + metric.id() + ", " + dim + ", " + m);
        }
        int end = in.readInt();
        long ep = in.readLong();
        int nodes = in.readInt();
        if (end < 0 || nodes < 0 || nodes > end || (long) nodes * (4L * dim + 9) > fileSize) {
            throw new IOException("corrupt header");
        }
        int[] list = new int[m0];
        int previous = -1;
        for (int i = 0; i < nodes; i++) {
            int node = in.readInt();
            int level = in.readInt();
            boolean tomb = in.readByte() != 0;
            if (node <= previous || node >= end || level < 0 || level > MAX_LEVEL) {
                throw new IOException("corrupt node record at " + i);
            }
            previous = node;
            ensurePage(node);
            Pages p = pages;
            int[] meta = p.meta[node >>> PAGE_BITS];
            int mo = (node & PAGE_MASK) * META;
            if (level > 0) {
                meta[mo + 1] = allocateUpper(level);
                meta[mo + 2] = level;
            }
            meta[mo] = level + 1;
            float[] page = p.vectors[node >>> PAGE_BITS];
            int off = (node & PAGE_MASK) * dim;
            for (int d = 0; d < dim; d++) {
                page[off + d] = in.readFloat();
            }
            for (int l = 0; l <= level; l++) {
                int count = in.readInt();
                if (count < 0 || count > maxConnections(l)) {
                    throw new IOException("corrupt neighbour list of node " + node);
                }
                for (int j = 0; j < count; j++) {
                    int nb = in.readInt();
                    if (nb < 0 || nb >= end) {
                        throw new IOException("corrupt neighbour of node " + node);
                    }
                    list[j] = nb;
                }
                writeNeighbors(p, node, l, list, count);
            }
            if (tomb) {
                setTombstone(p, node, true);
                tombstoned.incrementAndGet();
            } else {
                live.incrementAndGet();
            }
        }
        limit.set(end);
        if (ep >= 0 && levelOf(pages, nodeOf(ep)) != (int) (ep >>> 32)) {
            throw new IOException("corrupt entry point");
        }
        entry = nodes == 0 ? -1 : ep;
    }
}
