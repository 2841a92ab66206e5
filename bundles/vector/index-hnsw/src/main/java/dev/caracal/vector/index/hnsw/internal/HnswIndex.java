package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.math.VectorMath;
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
    // similarity kinds, all "higher is closer"
    static final int KIND_DOT = 0; // dot product (cosine on unit vectors)
    static final int KIND_SQUARE = 1; // negated squared Euclidean distance
    static final int KIND_MANHATTAN = 2; // negated L1 distance
    static final int KIND_HAMMING = 3; // negated number of differing components
    static final int KIND_JACCARD = 4; // weighted Jaccard similarity
    private static final int MAGIC = 0x48_4E_53_57; // "HNSW"
    private static final int FORMAT_VERSION = 2;

    final String collection;
    final Metric metric;
    /** How searches compare a query with a node (one of the {@code KIND_} constants). */
    final int searchKind;
    /**
     * How the graph compares nodes: as searches do, except for DOT, where the graph is built on Euclidean distance
     * (building on the inner product itself makes a few large vectors hubs of every list; searches still rank by the
     * inner product).
     */
    final int graphKind;

    final int dim;
    final int m;
    final int m0;
    final int efConstruction;
    final int defaultEf;
    final HnswParams params;
    /** Whether vectors are held as int8 codes (navigation) and re-ranked with the store's vectors. */
    final boolean int8;
    /** int8 mode: the quantizer, trained at the first add (null before); replaced only under the write lock. */
    private volatile Int8Quantizer quantizer;

    private final Object trainLock = new Object();
    /** int8 mode: the size at which the quantizer is retrained (while it was trained on fewer than TRAIN_SAMPLE). */
    private volatile int retrainAt = Integer.MAX_VALUE;
    /** int8 mode: the most vectors the quantizer is trained on. */
    static final int TRAIN_SAMPLE = 4096;

    private final double levelFactor;
    private final VectorMath math;
    private final IndexContext context;
    private final Path directory;

    /** The page directories; replaced (copied, longer) when they grow, pages themselves never move. */
    private static final class Pages {
        final float[][] vectors; // float mode
        final byte[][] codes; // int8 mode: the codes ...
        final float[][] norms; // ... and the squared norms of the decoded vectors
        final int[][] level0;
        final int[][] meta;
        final long[][] tombs;

        Pages(int n) {
            vectors = new float[n][];
            codes = new byte[n][];
            norms = new float[n][];
            level0 = new int[n][];
            meta = new int[n][];
            tombs = new long[n][];
        }

        Pages(Pages old, int n) {
            vectors = Arrays.copyOf(old.vectors, n);
            codes = Arrays.copyOf(old.codes, n);
            norms = Arrays.copyOf(old.norms, n);
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
    /** The covered ordinals of the persisted state this index was loaded from (0 when it started empty). */
    private volatile int restored;

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
    /**
     * A filtered traversal keeps {@code ef * (1 / selectivity) ^ filteredEfGrowth} accepted candidates: 0 keeps ef
     * (measured: same recall at 1% and 10%, several times the speed of 1, the former behaviour).
     */
    double filteredEfGrowth = 0;
    /**
     * Whether filtered traversals skip scoring rejected nodes and look two hops instead (see searchFiltered), when at
     * least this fraction of the live vectors is estimated to match. Measured: at 10% it keeps recall >= 0.99 at
     * 2-6x the speed; at 5% and below the two-hop neighbourhoods stop connecting the accepted nodes (recall 0.88-0.98
     * on clustered data), so those selectivities keep the classic traversal (or exact scan below 3%).
     */
    boolean twoHopFilter = true;

    double twoHopMinSelectivity = 0.08;
    /** Whether lists the heuristic leaves short are topped up with the pruned candidates (off: plain heuristic). */
    boolean fillPruned;

    HnswIndex(IndexContext context, HnswParams params) {
        this.context = context;
        this.collection = context.collection();
        this.metric = context.metric();
        this.searchKind = kindOf(metric);
        this.graphKind = metric == Metric.DOT ? KIND_SQUARE : searchKind;
        this.dim = context.vectors().dimension();
        this.m = params.m();
        this.m0 = 2 * params.m();
        this.efConstruction = params.efConstruction();
        this.defaultEf = params.ef();
        this.params = params;
        this.int8 = params.int8();
        if (int8 && searchKind != KIND_DOT && searchKind != KIND_SQUARE) {
            throw new IllegalArgumentException("hnsw quantization int8 supports the cosine, dot and l2 metrics; "
                    + "collection '" + collection + "' uses " + metric.id() + " (use quantization none)");
        }
        this.levelFactor = 1.0 / Math.log(m);
        this.math = VectorMath.get();
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
        if (page < p.meta.length && p.meta[page] != null) {
            return;
        }
        synchronized (growLock) {
            p = pages;
            if (page >= p.meta.length) {
                p = new Pages(p, Math.max(page + 1, p.meta.length + (p.meta.length >> 1) + 1));
            }
            if (p.meta[page] == null) {
                long vectorBytes;
                if (int8) {
                    p.codes[page] = new byte[PAGE_SIZE * dim];
                    p.norms[page] = new float[PAGE_SIZE];
                    vectorBytes = (long) PAGE_SIZE * (dim + 4);
                } else {
                    p.vectors[page] = new float[PAGE_SIZE * dim];
                    vectorBytes = 4L * PAGE_SIZE * dim;
                }
                p.level0[page] = new int[PAGE_SIZE * (1 + m0)];
                p.tombs[page] = new long[PAGE_SIZE / 64];
                p.meta[page] = new int[PAGE_SIZE * META]; // last: its presence means the page is complete
                bytes.addAndGet(vectorBytes + 4L * PAGE_SIZE * (1 + m0 + META) + PAGE_SIZE / 8);
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

    /** Whether the page of {@code node} is allocated. */
    private static boolean pagePresent(Pages p, int node) {
        int page = node >>> PAGE_BITS;
        return page < p.meta.length && p.meta[page] != null;
    }

    /** Stores the vector of {@code node} (float copy, or int8 codes and decoded norm). */
    private void storeVector(Pages p, int node, float[] vector) {
        int page = node >>> PAGE_BITS;
        int off = (node & PAGE_MASK) * dim;
        if (int8) {
            p.norms[page][node & PAGE_MASK] = quantizer.encode(vector, p.codes[page], off);
        } else {
            System.arraycopy(vector, 0, p.vectors[page], off, dim);
        }
    }

    /** Copies the vector the index holds for {@code node} into {@code out} (decoded in int8 mode). */
    private void storedVector(Pages p, int node, float[] out) {
        int page = node >>> PAGE_BITS;
        int off = (node & PAGE_MASK) * dim;
        if (int8) {
            quantizer.decode(p.codes[page], off, out);
        } else {
            System.arraycopy(p.vectors[page], off, out, 0, dim);
        }
    }

    static int kindOf(Metric metric) {
        return switch (metric) {
            case COSINE, DOT -> KIND_DOT;
            case L2 -> KIND_SQUARE;
            case MANHATTAN -> KIND_MANHATTAN;
            case HAMMING -> KIND_HAMMING;
            case JACCARD -> KIND_JACCARD;
        };
    }

    /**
     * One side of a comparison, prepared once and compared with many nodes: a query, or a node of the graph. In
     * float mode it points at the vector ({@code v} from {@code off}).
     */
    static final class Query {
        float[] v;
        int off;
        int kind;
        /** int8 mode: {@code v} is the query times the scales; {@code c} = query . offsets, {@code qq} its norm. */
        float c;

        float qq;
        float[] buffer;

        float[] buffer(int dim) {
            if (buffer == null || buffer.length != dim) {
                buffer = new float[dim];
            }
            return buffer;
        }
    }

    /** Prepares {@code vector} to be compared by {@code kind}. */
    private Query prepare(float[] vector, int kind, Query into) {
        into.kind = kind;
        if (!int8) {
            into.v = vector;
            into.off = 0;
            return into;
        }
        Int8Quantizer qz = quantizer;
        float[] b = into.buffer(dim);
        for (int d = 0; d < dim; d++) {
            b[d] = vector[d] * qz.scale[d];
        }
        into.v = b;
        into.off = 0;
        into.c = math.dot(vector, 0, qz.offset, 0, dim);
        into.qq = math.dot(vector, 0, vector, 0, dim);
        return into;
    }

    /** Prepares node {@code node} (present in the graph) to be compared with others by the graph's kind. */
    private Query prepareNode(Pages p, int node, Query into) {
        into.kind = graphKind;
        int page = node >>> PAGE_BITS;
        int off = (node & PAGE_MASK) * dim;
        if (!int8) {
            into.v = p.vectors[page];
            into.off = off;
            return into;
        }
        // the decoded node x = offset + scale * k: x * scale = offsetScale + scaleSquared * k,
        // x . offset = offsetNorm + offsetScale . k
        Int8Quantizer qz = quantizer;
        byte[] codes = p.codes[page];
        float[] b = into.buffer(dim);
        for (int d = 0; d < dim; d++) {
            b[d] = qz.offsetScale[d] + qz.scaleSquared[d] * codes[off + d];
        }
        into.v = b;
        into.off = 0;
        into.c = qz.offsetNorm + math.dotInt8(qz.offsetScale, 0, codes, off, dim);
        into.qq = p.norms[page][node & PAGE_MASK];
        return into;
    }

    /** Similarity of a prepared query to a stored node, higher is closer; -infinity when its page is missing. */
    private float similarity(Query q, Pages p, int node) {
        int page = node >>> PAGE_BITS;
        if (int8) {
            byte[] codes = page < p.codes.length ? p.codes[page] : null;
            if (codes == null) {
                return Float.NEGATIVE_INFINITY;
            }
            float dot = q.c + math.dotInt8(q.v, q.off, codes, (node & PAGE_MASK) * dim, dim);
            return q.kind == KIND_DOT ? dot : -(q.qq - 2 * dot + p.norms[page][node & PAGE_MASK]);
        }
        float[] v = page < p.vectors.length ? p.vectors[page] : null;
        if (v == null) {
            return Float.NEGATIVE_INFINITY;
        }
        int off = (node & PAGE_MASK) * dim;
        return switch (q.kind) {
            case KIND_DOT -> math.dot(q.v, q.off, v, off, dim);
            case KIND_SQUARE -> -math.squareDistance(q.v, q.off, v, off, dim);
            case KIND_MANHATTAN -> -math.manhattan(q.v, q.off, v, off, dim);
            case KIND_HAMMING -> -math.hamming(q.v, q.off, v, off, dim);
            default -> math.jaccard(q.v, q.off, v, off, dim);
        };
    }

    /** The score a caller sees for a search similarity: as computed, except L2 (the negated Euclidean distance). */
    private float externalScore(float similarity) {
        return searchKind == KIND_SQUARE ? (float) -Math.sqrt(Math.max(0f, -similarity)) : similarity;
    }

    /** The exact score of {@code metric} between two float vectors (higher is more similar). */
    float exactScore(float[] a, float[] b) {
        return switch (metric) {
            case COSINE, DOT -> math.dot(a, 0, b, 0, dim);
            case L2 -> (float) -Math.sqrt(math.squareDistance(a, 0, b, 0, dim));
            case MANHATTAN -> -math.manhattan(a, 0, b, 0, dim);
            case HAMMING -> -math.hamming(a, 0, b, 0, dim);
            case JACCARD -> math.jaccard(a, 0, b, 0, dim);
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // per-thread search state

    private static final class Scratch {
        int[] visited = new int[0];
        int generation;
        final LongHeap candidates = new LongHeap(256);
        final LongHeap results = new LongHeap(256);
        int[] neighbors = new int[0];
        /** The query of a search or insert; a node compared with others (link, rebuild); a candidate (select). */
        final Query query = new Query();

        final Query target = new Query();
        final Query pair = new Query();
        float[] rerank;

        float[] rerankBuffer(int dim) {
            if (rerank == null || rerank.length != dim) {
                rerank = new float[dim];
            }
            return rerank;
        }

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

        int[] secondHop = new int[0];

        int[] secondHop(int size) {
            if (secondHop.length < size) {
                secondHop = new int[size];
            }
            return secondHop;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // graph search

    /** Greedy descent from the entry point to {@code targetLevel + 1}; returns the closest node found. */
    private int greedy(Pages p, Scratch s, Query q, int node, int fromLevel, int targetLevel) {
        float best = similarity(q, p, node);
        int[] nb = s.neighbors(m0);
        for (int level = fromLevel; level > targetLevel; level--) {
            boolean changed = true;
            while (changed) {
                changed = false;
                int n = readNeighbors(p, node, level, nb);
                for (int i = 0; i < n; i++) {
                    int c = nb[i];
                    if (c < 0 || levelOf(p, c) < level) {
                        continue;
                    }
                    float sim = similarity(q, p, c);
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
    private void searchLevel(
            Pages p,
            Scratch s,
            Query q,
            int ef,
            int level,
            OrdinalFilter filter,
            int exclude,
            long[] entries,
            int entryCount) {
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
            if (levelOf(p, e) < 0) {
                continue;
            }
            float sim = similarity(q, p, e);
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
                if (levelOf(p, x) < level) {
                    continue;
                }
                float sim = similarity(q, p, x);
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

    /**
     * Beam search on level 0 for a selective filter: only accepted nodes are scored and queued. A rejected neighbour
     * is not scored; its own neighbours are looked at instead (two hops), so the search still passes through the
     * rejected part of the graph without spending distance computations on it. The entry node is a stepping stone
     * whether accepted or not.
     */
    private void searchFiltered(Pages p, Scratch s, Query q, int ef, OrdinalFilter filter, int entry) {
        LongHeap cand = s.candidates;
        LongHeap res = s.results;
        cand.clear();
        res.clear();
        s.startVisit(limit.get());
        s.visit(entry);
        float esim = similarity(q, p, entry);
        cand.push(~encode(esim, entry));
        if (accepted(p, entry, filter, -1)) {
            res.push(encode(esim, entry));
        }
        int[] nb = s.neighbors(m0);
        int[] nb2 = s.secondHop(m0);
        while (cand.size() > 0) {
            long c = ~cand.pop();
            if (res.size() >= ef && scoreOf(c) < scoreOf(res.peek())) {
                break;
            }
            int n = readNeighbors(p, nodeOf(c), 0, nb);
            for (int i = 0; i < n; i++) {
                int x = nb[i];
                if (x < 0 || levelOf(p, x) < 0 || !s.visit(x)) {
                    continue;
                }
                if (accepted(p, x, filter, -1)) {
                    offerFiltered(p, q, x, ef, cand, res);
                    continue;
                }
                int n2 = readNeighbors(p, x, 0, nb2);
                for (int j = 0; j < n2; j++) {
                    int y = nb2[j];
                    if (y < 0 || levelOf(p, y) < 0 || !accepted(p, y, filter, -1) || !s.visit(y)) {
                        continue;
                    }
                    offerFiltered(p, q, y, ef, cand, res);
                }
            }
        }
    }

    private void offerFiltered(Pages p, Query q, int x, int ef, LongHeap cand, LongHeap res) {
        float sim = similarity(q, p, x);
        if (res.size() < ef || sim > scoreOf(res.peek())) {
            cand.push(~encode(sim, x));
            res.push(encode(sim, x));
            if (res.size() > ef) {
                res.pop();
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
        Query cq = scratch.get().pair;
        for (int i = 0; i < count && kept < max; i++) {
            int c = nodeOf(candidates[i]);
            float sim = scoreOf(candidates[i]);
            boolean good = true;
            if (kept > 0) {
                prepareNode(p, c, cq);
            }
            for (int j = 0; j < kept; j++) {
                if (similarity(cq, p, out[j]) > sim) {
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
            Query tq = prepareNode(p, target, scratch.get().target);
            for (int i = 0; i < count; i++) {
                int c = a[base + 1 + i];
                cands[i] = encode(similarity(tq, p, c), c);
            }
            cands[count] = encode(similarity(tq, p, node), node);
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
            if (int8 && quantizer == null) {
                trainFirst(vector);
            }
            insert(ordinal, vector);
        } finally {
            structure.readLock().unlock();
        }
        compactIfNeeded();
        if (int8 && live.get() >= retrainAt) {
            retrain();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // int8 training

    /**
     * Trains the quantizer before the first vector goes in: on up to {@value #TRAIN_SAMPLE} live vectors of the
     * store (evenly spread over its ordinals) plus {@code first}. If that sample is small (a collection that is
     * being filled), the quantizer is retrained from the store each time the index doubles, until it has been
     * trained on {@value #TRAIN_SAMPLE} vectors; after that it is fixed (values outside its range are clamped).
     */
    private void trainFirst(float[] first) {
        synchronized (trainLock) {
            if (quantizer != null) {
                return;
            }
            float[][] sample = sampleFromSource(first);
            int count = 0;
            while (count < sample.length && sample[count] != null) {
                count++;
            }
            quantizer = Int8Quantizer.train(sample, count, dim);
            retrainAt = count >= TRAIN_SAMPLE ? Integer.MAX_VALUE : 2 * count;
            LOG.debug("Collection '{}': hnsw int8 quantizer trained on {} vectors", collection, count);
        }
    }

    /** Up to TRAIN_SAMPLE live vectors of the store, evenly spread, then {@code extra} (if given and room). */
    private float[][] sampleFromSource(float[] extra) {
        float[][] sample = new float[TRAIN_SAMPLE][];
        int n = 0;
        try {
            var source = context.vectors();
            int max = source.maxOrdinal();
            int target = Math.min(max, extra == null ? TRAIN_SAMPLE : TRAIN_SAMPLE - 1);
            for (int i = 0; i < target; i++) {
                int o = (int) ((long) i * max / target);
                if (source.isLive(o)) {
                    float[] v = new float[dim];
                    source.copyVector(o, v);
                    sample[n++] = v;
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Collection '{}': reading the int8 training sample stopped early", collection, e);
        }
        if (extra != null) {
            sample[n++] = extra;
        }
        if (n == 0) {
            // no vector at all: fall back to the vectors the index holds (retraining without a source)
            Pages p = pages;
            float[] v = null;
            for (int node = 0, end = limit.get(); node < end && n < TRAIN_SAMPLE; node++) {
                if (levelOf(p, node) >= 0 && !isTombstoned(p, node)) {
                    v = new float[dim];
                    storedVector(p, node, v);
                    sample[n++] = v;
                }
            }
        }
        return sample;
    }

    /** Retrains the quantizer on a larger sample and re-encodes every node (from the store's vectors). */
    private void retrain() {
        structure.writeLock().lock();
        try {
            if (closed || live.get() < retrainAt || quantizer == null) {
                return;
            }
            float[][] sample = sampleFromSource(null);
            int count = 0;
            while (count < sample.length && sample[count] != null) {
                count++;
            }
            int size = live.get();
            retrainAt = size >= TRAIN_SAMPLE || count >= TRAIN_SAMPLE ? Integer.MAX_VALUE : 2 * size;
            if (count <= quantizer.trainedOn) {
                return; // no better sample
            }
            Int8Quantizer old = quantizer;
            Int8Quantizer fresh = Int8Quantizer.train(sample, count, dim);
            Pages p = pages;
            float[] v = new float[dim];
            var source = context.vectors();
            for (int node = 0, end = limit.get(); node < end; node++) {
                if (levelOf(p, node) < 0) {
                    continue;
                }
                int page = node >>> PAGE_BITS;
                int off = (node & PAGE_MASK) * dim;
                try {
                    source.copyVector(node, v);
                } catch (RuntimeException e) {
                    old.decode(p.codes[page], off, v); // not in the store (any more): re-encode what we have
                }
                p.norms[page][node & PAGE_MASK] = fresh.encode(v, p.codes[page], off);
            }
            quantizer = fresh;
            LOG.debug(
                    "Collection '{}': hnsw int8 quantizer retrained on {} vectors ({} in the index)",
                    collection,
                    count,
                    size);
        } finally {
            structure.writeLock().unlock();
        }
    }

    /** int8 mode: the vectors the quantizer was trained on (0 before the first add). */
    int quantizerTrainedOn() {
        Int8Quantizer q = quantizer;
        return q == null ? 0 : q.trainedOn;
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
            storeVector(p, node, vector);
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
        Query q = prepare(vector, graphKind, s.query);
        int cur = epNode == node ? epNode : greedy(p, s, q, epNode, epLevel, level);
        long[] entries = {encode(0f, cur)};
        int entryCount = 1;
        for (int l = Math.min(level, epLevel); l >= 0; l--) {
            searchLevel(p, s, q, efConstruction, l, null, node, entries, entryCount);
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
    private void rebuildList(
            Pages p, int node, int level, int[] current, int currentCount, int[] extra, int extraCount) {
        long[] cands = new long[currentCount + extraCount];
        Query nq = prepareNode(p, node, scratch.get().target);
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
                    cands[n++] = encode(similarity(nq, p, c), c);
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
        // int8: the graph yields ceil(k * rerank) candidates, re-ranked with the store's full vectors
        int candidates = k;
        if (int8 && k > 0) {
            Object rr = params == null ? null : params.get("rerank");
            double rerank = rr instanceof Number n ? n.doubleValue() : HnswParams.DEFAULT_RERANK;
            rerank = Double.isNaN(rerank)
                    ? HnswParams.DEFAULT_RERANK
                    : Math.max(1, Math.min(HnswParams.MAX_RERANK, rerank));
            candidates = (int) Math.min(Integer.MAX_VALUE / 2, Math.ceil(k * rerank));
            ef = Math.max(ef, candidates);
        }
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
                        return exactScan(p, query, k, candidates, filter);
                    }
                    // the result list only takes accepted nodes while rejected ones stay stepping stones, so a
                    // beam of ef accepted results already walks past about ef / selectivity nodes: growing ef by
                    // 1 / selectivity as well (growth 1) made 10% filters ~10x slower for no recall
                    int filteredEf = (int) Math.max(
                            ef,
                            Math.min(
                                    Math.max(ef, maxFilteredEf),
                                    Math.ceil(ef * Math.pow(1 / selectivity, filteredEfGrowth))));
                    boolean twoHop = twoHopFilter && selectivity >= twoHopMinSelectivity;
                    ScoredOrdinals r = traverse(p, query, k, candidates, filteredEf, filter, true, twoHop, ep);
                    return r.size() < k ? exactScan(p, query, k, candidates, filter) : r;
                }
            }
            // no restriction beyond liveness: traverse unfiltered, then check the filter on the results
            return traverse(p, query, k, candidates, ef, filter, false, false, ep);
        } finally {
            structure.readLock().unlock();
        }
    }

    private ScoredOrdinals traverse(
            Pages p,
            float[] q,
            int k,
            int candidates,
            int ef,
            OrdinalFilter filter,
            boolean filterInside,
            boolean twoHop,
            long ep) {
        Scratch s = scratch.get();
        Query query = prepare(q, searchKind, s.query);
        int cur = greedy(p, s, query, nodeOf(ep), (int) (ep >>> 32), 0);
        if (filterInside && twoHop) {
            searchFiltered(p, s, query, ef, filter, cur);
        } else {
            searchLevel(p, s, query, ef, 0, filterInside ? filter : null, -1, new long[] {encode(0f, cur)}, 1);
        }
        long[] found = drainBestFirst(s.results);
        if (!filterInside && filter != null) {
            int n = 0;
            for (long f : found) {
                if (filter.accept(nodeOf(f))) {
                    found[n++] = f;
                }
            }
            found = Arrays.copyOf(found, n);
        }
        return results(p, q, k, candidates, found);
    }

    /**
     * The best {@code k} of {@code found} (encoded, best first): in float mode as they are; in int8 mode the first
     * {@code candidates} are re-scored exactly with the store's vectors and re-sorted.
     */
    private ScoredOrdinals results(Pages p, float[] q, int k, int candidates, long[] found) {
        if (!int8) {
            int n = Math.min(k, found.length);
            int[] ordinals = new int[n];
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                ordinals[i] = nodeOf(found[i]);
                scores[i] = externalScore(scoreOf(found[i]));
            }
            return new ScoredOrdinals(ordinals, scores);
        }
        int n = Math.min(candidates, found.length);
        long[] exact = new long[n];
        float[] v = scratch.get().rerankBuffer(dim);
        var source = context.vectors();
        for (int i = 0; i < n; i++) {
            int o = nodeOf(found[i]);
            try {
                source.copyVector(o, v);
            } catch (RuntimeException e) {
                storedVector(p, o, v); // not readable from the store: score the decoded vector
            }
            exact[i] = encode(exactScore(q, v), o);
        }
        sortBestFirst(exact, n);
        int out = Math.min(k, n);
        int[] ordinals = new int[out];
        float[] scores = new float[out];
        for (int i = 0; i < out; i++) {
            ordinals[i] = nodeOf(exact[i]);
            scores[i] = scoreOf(exact[i]);
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    /** An exact scan of the index's own vectors, over the live nodes {@code filter} accepts. */
    ScoredOrdinals exactScan(Pages p, float[] q, int k, int candidates, OrdinalFilter filter) {
        Scratch s = scratch.get();
        LongHeap top = s.results;
        top.clear();
        Query query = prepare(q, searchKind, s.query);
        int end = limit.get();
        int keep = int8 ? candidates : k;
        for (int node = 0; node < end; node++) {
            if (!pagePresent(p, node)) {
                node |= PAGE_MASK; // skip an unallocated page
                continue;
            }
            if (levelOf(p, node) < 0 || isTombstoned(p, node) || (filter != null && !filter.accept(node))) {
                continue;
            }
            float sim = similarity(query, p, node);
            if (top.size() < keep) {
                top.push(encode(sim, node));
            } else if (sim > scoreOf(top.peek())) {
                top.replaceTop(encode(sim, node));
            }
        }
        return results(p, q, k, candidates, drainBestFirst(top));
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
    // File format (big-endian), version 2:
    //   int MAGIC, int version, UTF metric id, int dimension, UTF build parameters (HnswParams.fingerprint()),
    //   int coveredOrdinals, int limit, long entry, int nodes;
    //   per node (ascending ordinal): int ordinal, int level, byte tombstone, float[dimension] vector,
    //     per level 0..level: int count, int[count] neighbours;
    //   long CRC32 of everything before it.
    // Nodes at or above coveredOrdinals are written as tombstones: the store re-adds those that are live.

    /**
     * Persists with {@code coveredOrdinals} = one past the highest ordinal the index ever held: for callers that have
     * applied every removal below it (the store uses {@link #persist(int)}).
     */
    @Override
    public void persist() {
        persist(limit.get());
    }

    @Override
    public void persist(int coveredOrdinals) {
        if (directory == null) {
            return;
        }
        if (coveredOrdinals < 0) {
            throw new IllegalArgumentException("coveredOrdinals must not be negative, got " + coveredOrdinals);
        }
        structure.writeLock().lock();
        try {
            checkOpen();
            Files.createDirectories(directory);
            Path tmp = directory.resolve(FILE_NAME + ".tmp");
            try (OutputStream raw = Files.newOutputStream(tmp)) {
                CheckedOutputStream checked =
                        new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), new CRC32());
                DataOutputStream out = new DataOutputStream(checked);
                writeGraph(out, coveredOrdinals);
                out.flush();
                long crc = checked.getChecksum().getValue();
                DataOutputStream tail = new DataOutputStream(raw);
                tail.writeLong(crc);
                tail.flush();
            }
            Files.move(
                    tmp,
                    directory.resolve(FILE_NAME),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            LOG.debug(
                    "Collection '{}': persisted the hnsw graph ({} vectors, {} ordinals covered)",
                    collection,
                    live.get(),
                    coveredOrdinals);
        } catch (IOException e) {
            throw new UncheckedIOException("persisting the hnsw index of '" + collection + "' failed", e);
        } finally {
            structure.writeLock().unlock();
        }
    }

    @Override
    public int restoredOrdinals() {
        return restored;
    }

    private void writeGraph(DataOutputStream out, int covered) throws IOException {
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
        out.writeUTF(metric.id());
        out.writeInt(dim);
        out.writeUTF(params.fingerprint());
        out.writeInt(covered);
        out.writeInt(end);
        out.writeLong(entry);
        out.writeInt(nodes);
        writeHeaderExtras(out);
        int[] list = new int[m0];
        for (int node = 0; node < end; node++) {
            int level = levelOf(p, node);
            if (level < 0) {
                continue;
            }
            out.writeInt(node);
            out.writeInt(level);
            out.writeByte(node >= covered || isTombstoned(p, node) ? 1 : 0);
            writeVector(out, p, node);
            for (int l = 0; l <= level; l++) {
                int count = readNeighbors(p, node, l, list);
                out.writeInt(count);
                for (int i = 0; i < count; i++) {
                    out.writeInt(list[i]);
                }
            }
        }
    }

    private void writeVector(DataOutputStream out, Pages p, int node) throws IOException {
        if (int8) {
            out.write(p.codes[node >>> PAGE_BITS], (node & PAGE_MASK) * dim, dim);
            return;
        }
        float[] page = p.vectors[node >>> PAGE_BITS];
        int off = (node & PAGE_MASK) * dim;
        for (int i = 0; i < dim; i++) {
            out.writeFloat(page[off + i]);
        }
    }

    private void readVector(DataInputStream in, Pages p, int node) throws IOException {
        if (int8) {
            byte[] codes = p.codes[node >>> PAGE_BITS];
            int off = (node & PAGE_MASK) * dim;
            in.readFully(codes, off, dim);
            p.norms[node >>> PAGE_BITS][node & PAGE_MASK] = quantizer.decodedNorm(codes, off);
            return;
        }
        float[] page = p.vectors[node >>> PAGE_BITS];
        int off = (node & PAGE_MASK) * dim;
        for (int d = 0; d < dim; d++) {
            page[off + d] = in.readFloat();
        }
    }

    /** The smallest number of bytes a node record takes in the file (for a sanity check of the header). */
    private long minNodeBytes() {
        return (int8 ? dim : 4L * dim) + 13;
    }

    /**
     * Loads a persisted graph from the context directory; {@code null} when there is none or it is unusable (written
     * for another metric, dimension or build parameters, or failing its checks), with the reason logged.
     */
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
                CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32());
                DataInputStream in = new DataInputStream(checked);
                int covered = index.readGraph(in, size);
                long computed = checked.getChecksum().getValue();
                long stored = new DataInputStream(checked).readLong();
                if (stored != computed) {
                    throw new IOException("checksum mismatch");
                }
                if (checked.read() >= 0) {
                    throw new IOException("trailing bytes after the checksum");
                }
                index.restored = covered;
            }
            return index;
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Collection '{}': ignoring the persisted hnsw graph {} ({}); the index starts empty",
                    context.collection(),
                    file,
                    e.getMessage() == null ? e.toString() : e.getMessage());
            index.close();
            return null;
        } catch (OutOfMemoryError e) {
            index.close();
            LOG.warn(
                    "Collection '{}': ignoring the persisted hnsw graph {} (out of memory while loading it); the "
                            + "index starts empty",
                    context.collection(),
                    file);
            return null;
        }
    }

    /** Reads the graph; returns its covered ordinals. */
    private int readGraph(DataInputStream in, long fileSize) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not an hnsw graph file");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    "unsupported format version " + version + " (this version reads " + FORMAT_VERSION + ")");
        }
        String fileMetric = in.readUTF();
        int fileDim = in.readInt();
        String fileParams = in.readUTF();
        if (!fileMetric.equals(metric.id()) || fileDim != dim || !fileParams.equals(params.fingerprint())) {
            throw new IOException("written for metric " + fileMetric + ", dimension " + fileDim + ", parameters {"
                    + fileParams + "}; this index has " + metric.id() + ", " + dim + ", {" + params.fingerprint()
                    + "}");
        }
        int covered = in.readInt();
        int end = in.readInt();
        long ep = in.readLong();
        int nodes = in.readInt();
        if (covered < 0 || end < 0 || nodes < 0 || nodes > end || (long) nodes * minNodeBytes() > fileSize) {
            throw new IOException("corrupt header");
        }
        readHeaderExtras(in, nodes);
        int[] list = new int[m0];
        int previous = -1;
        for (int i = 0; i < nodes; i++) {
            int node = in.readInt();
            int level = in.readInt();
            byte tomb = in.readByte();
            if (node <= previous || node >= end || level < 0 || level > MAX_LEVEL || (tomb != 0 && tomb != 1)) {
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
            readVector(in, p, node);
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
            if (tomb != 0) {
                setTombstone(p, node, true);
                tombstoned.incrementAndGet();
            } else {
                live.incrementAndGet();
            }
        }
        limit.set(end);
        if (nodes > 0 && (ep < 0 || levelOf(pages, nodeOf(ep)) != (int) (ep >>> 32))) {
            throw new IOException("corrupt entry point");
        }
        entry = nodes == 0 ? -1 : ep;
        return covered;
    }

    /** Writes what follows the fixed header: in int8 mode, the quantizer (if trained) and when to retrain it. */
    private void writeHeaderExtras(DataOutputStream out) throws IOException {
        if (int8) {
            Int8Quantizer q = quantizer;
            out.writeBoolean(q != null);
            if (q != null) {
                out.writeInt(retrainAt);
                q.write(out);
            }
        }
    }

    private void readHeaderExtras(DataInputStream in, int nodes) throws IOException {
        if (int8) {
            if (in.readBoolean()) {
                int at = in.readInt();
                if (at <= 0) {
                    throw new IOException("corrupt int8 header");
                }
                retrainAt = at;
                quantizer = Int8Quantizer.read(in, dim);
            } else if (nodes > 0) {
                throw new IOException("int8 nodes without a quantizer");
            }
        }
    }
}
