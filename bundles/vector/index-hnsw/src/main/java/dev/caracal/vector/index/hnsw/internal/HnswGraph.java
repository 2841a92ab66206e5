package dev.caracal.vector.index.hnsw.internal;

import static dev.caracal.vector.index.hnsw.internal.GraphPages.META;
import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_BITS;
import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_MASK;
import static dev.caracal.vector.index.hnsw.internal.GraphPages.PAGE_SIZE;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The graph itself, keyed by ordinal (node id = ordinal): each node's level, its neighbour lists and its tombstone,
 * and the entry point. It holds no vectors (see {@link VectorScorer}).
 *
 * <p>Storage is primitive and paged by ordinal ({@link GraphPages}, allocated on first use): level-0
 * neighbour blocks ({@code int[]} pages of {@code 1 + 2m} ints: count, ids), per-node metadata (level + 1, first upper
 * block, upper blocks allocated), tombstones (a {@code long[]} bitset per page) and an arena of upper-level blocks
 * ({@code 1 + m} ints each, a node of level L owns L consecutive blocks).
 *
 * <p>Concurrency: a neighbour list is changed under its node's {@link #stripe stripe lock}, entries first and then
 * the count with release semantics; {@link #readNeighbours} reads the count with acquire semantics and the entries
 * without locks (a reader may see a slightly stale list, never an invalid id: every id read is range-checked by the
 * caller's level check). Structural changes of the whole graph (compaction, loading) are the caller's to exclude.
 */
final class HnswGraph {
    static final int UPPER_PAGE_BLOCKS = 1024;
    static final int MAX_LEVEL = 15;
    private static final int STRIPES = 1024;
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int m;
    private final int m0;
    /** The current page directory (see {@link GraphPages}). */
    private volatile GraphPages directory = new GraphPages(0);

    private volatile int[][] upper = new int[0][];
    private int upperUsed; // guarded by growLock
    private final Object growLock = new Object();
    private final Object[] stripes = new Object[STRIPES];
    private final Object entryLock = new Object();
    /** The entry point, {@code level << 32 | node}, or -1 when the graph is empty. */
    private volatile long entry = -1;

    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger tombstoned = new AtomicInteger();
    private final AtomicInteger limit = new AtomicInteger(); // one past the highest node ever present
    private final AtomicLong bytes = new AtomicLong();

    /** A graph with up to {@code m} neighbours per node on the upper levels and {@code 2m} on level 0. */
    HnswGraph(int m) {
        this.m = m;
        this.m0 = 2 * m;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    GraphPages pages() {
        return directory;
    }

    /** The most neighbours a node keeps at {@code level}. */
    int maxConnections(int level) {
        return level == 0 ? m0 : m;
    }

    /** Nodes in the graph and not tombstoned. */
    int size() {
        return live.get();
    }

    /** Nodes removed but not yet compacted away. */
    int tombstones() {
        return tombstoned.get();
    }

    /** One past the highest node ever present. */
    int limit() {
        return limit.get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // pages

    /** Allocates the page of {@code node} if it is not there yet. */
    void ensurePage(int node) {
        int page = node >>> PAGE_BITS;
        GraphPages pages = directory;
        if (page < pages.meta.length && pages.meta[page] != null) {
            return;
        }
        synchronized (growLock) {
            pages = directory;
            if (page >= pages.meta.length) {
                pages = new GraphPages(pages, Math.max(page + 1, pages.meta.length + (pages.meta.length >> 1) + 1));
            }
            if (pages.meta[page] == null) {
                pages.level0[page] = new int[PAGE_SIZE * (1 + m0)];
                pages.tombstones[page] = new long[PAGE_SIZE / 64];
                pages.meta[page] = new int[PAGE_SIZE * META]; // last: its presence means the page is complete
                bytes.addAndGet(4L * PAGE_SIZE * (1 + m0 + META) + PAGE_SIZE / 8);
            }
            directory = pages; // volatile write publishes the page
        }
    }

    /** Allocates {@code count} consecutive upper-level blocks; returns the first. */
    private int allocateUpper(int count) {
        synchronized (growLock) {
            int first = upperUsed;
            int needed = (first + count + UPPER_PAGE_BLOCKS - 1) / UPPER_PAGE_BLOCKS;
            int[][] arena = upper;
            if (needed > arena.length) {
                arena = Arrays.copyOf(arena, Math.max(needed, arena.length * 2));
                for (int i = 0; i < arena.length; i++) {
                    if (arena[i] == null) {
                        arena[i] = new int[UPPER_PAGE_BLOCKS * (1 + m)];
                        bytes.addAndGet(4L * UPPER_PAGE_BLOCKS * (1 + m));
                    }
                }
                upper = arena;
            }
            upperUsed = first + count;
            return first;
        }
    }

    /** Bytes of memory the graph uses, roughly (its vectors not included). */
    long memoryBytes() {
        return bytes.get() + 32L * (directory.meta.length + upper.length) + STRIPES * 16L;
    }

    /** Drops every page (the index is closing). */
    void clear() {
        directory = new GraphPages(0);
        upper = new int[0][];
        entry = -1;
        live.set(0);
        tombstoned.set(0);
        bytes.set(0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // neighbour lists

    /** The lock under which the neighbour lists of {@code node} change. */
    Object stripe(int node) {
        return stripes[node & (STRIPES - 1)];
    }

    /** The array holding the neighbour list of {@code node} at {@code level}; {@link #listBase} gives the offset. */
    private int[] listArray(GraphPages pages, int node, int level) {
        if (level == 0) {
            return pages.level0[node >>> PAGE_BITS];
        }
        int block = pages.metaPage(node)[GraphPages.metaOffset(node) + 1] + level - 1;
        int[][] arena = upper;
        int page = block / UPPER_PAGE_BLOCKS;
        return page < arena.length ? arena[page] : null;
    }

    private int listBase(GraphPages pages, int node, int level) {
        if (level == 0) {
            return (node & PAGE_MASK) * (1 + m0);
        }
        int block = pages.metaPage(node)[GraphPages.metaOffset(node) + 1] + level - 1;
        return (block % UPPER_PAGE_BLOCKS) * (1 + m);
    }

    /** Copies the neighbours of {@code node} at {@code level} into {@code out}; returns how many. Lock-free. */
    int readNeighbours(GraphPages pages, int node, int level, int[] out) {
        if (pages.levelOf(node) < level) {
            return 0;
        }
        int[] lists = listArray(pages, node, level);
        if (lists == null) {
            return 0;
        }
        int base = listBase(pages, node, level);
        int count = Math.min((int) INTS.getAcquire(lists, base), maxConnections(level));
        int n = 0;
        for (int i = 0; i < count; i++) {
            out[n++] = lists[base + 1 + i];
        }
        return n;
    }

    /** The level-0 page holding the list of {@code node} (a node of the graph). */
    int[] level0List(GraphPages pages, int node) {
        return pages.level0[node >>> PAGE_BITS];
    }

    /** Where the level-0 list of {@code node} starts in its page: the count, then the ids. */
    int level0Base(int node) {
        return (node & PAGE_MASK) * (1 + m0);
    }

    /** How many ids the level-0 list at {@code base} of {@code list} holds (read with acquire semantics). */
    int level0Count(int[] list, int base) {
        return Math.min((int) INTS.getAcquire(list, base), m0);
    }

    /** Replaces the neighbour list (the caller holds the node's stripe lock). */
    void writeNeighbours(GraphPages pages, int node, int level, int[] ids, int count) {
        int[] lists = listArray(pages, node, level);
        int base = listBase(pages, node, level);
        for (int i = 0; i < count; i++) {
            lists[base + 1 + i] = ids[i];
        }
        INTS.setRelease(lists, base, count);
    }

    /**
     * Appends {@code neighbour} to a list that holds {@code count} entries, fewer than the level allows (the caller
     * holds the node's stripe lock and has just read the list).
     */
    void appendNeighbour(GraphPages pages, int node, int level, int count, int neighbour) {
        int[] lists = listArray(pages, node, level);
        int base = listBase(pages, node, level);
        lists[base + 1 + count] = neighbour;
        INTS.setRelease(lists, base, count + 1);
    }

    // ---------------------------------------------------------------------------------------------------------
    // nodes coming and going (the caller holds the node's stripe lock unless it says otherwise)

    /** Sets or clears the tombstone of {@code node}; returns whether it changed. */
    private boolean setTombstone(GraphPages pages, int node, boolean on) {
        long[] bits = pages.tombstones[node >>> PAGE_BITS];
        int word = (node & PAGE_MASK) >>> 6;
        long bit = 1L << node;
        long before =
                on ? (long) LONGS.getAndBitwiseOr(bits, word, bit) : (long) LONGS.getAndBitwiseAnd(bits, word, ~bit);
        return ((before & bit) != 0) != on;
    }

    /** A node still in the graph (live or tombstoned) comes back: it is live again, with its level and lists. */
    void revive(GraphPages pages, int node) {
        if (setTombstone(pages, node, false)) {
            tombstoned.decrementAndGet();
            live.incrementAndGet();
        }
    }

    /**
     * Makes room for a node new to the graph at {@code level} and counts it live; it stays invisible until
     * {@link #publish}.
     */
    void reserve(GraphPages pages, int node, int level) {
        if (level > 0) {
            int[] meta = pages.metaPage(node);
            int at = GraphPages.metaOffset(node);
            if (meta[at + 2] < level) {
                meta[at + 1] = allocateUpper(level);
                meta[at + 2] = level;
            }
        }
        setTombstone(pages, node, false);
        live.incrementAndGet();
    }

    /** Makes {@code node} visible at {@code level}: a new node with empty lists, a revived one as it is. */
    void publish(GraphPages pages, int node, int level, boolean isNew) {
        if (isNew) {
            for (int l = 0; l <= level; l++) {
                INTS.setRelease(listArray(pages, node, l), listBase(pages, node, l), 0);
            }
        }
        pages.metaPage(node)[GraphPages.metaOffset(node)] = level + 1;
    }

    /** Records that {@code node} is present (no lock needed). */
    void extendLimit(int node) {
        limit.accumulateAndGet(node + 1, Math::max);
    }

    /** Tombstones a live node; returns its level, or -1 when it was not live (absent or tombstoned already). */
    int markRemoved(GraphPages pages, int node) {
        int level = pages.levelOf(node);
        if (level < 0 || !setTombstone(pages, node, true)) {
            return -1;
        }
        live.decrementAndGet();
        tombstoned.incrementAndGet();
        return level;
    }

    /**
     * Frees every tombstoned node (its lists emptied, its slot absent) and moves the entry point to the first node
     * of the highest level if it was freed; returns how many it freed. Only while nothing else uses the graph.
     */
    int freeTombstoned() {
        GraphPages pages = directory;
        int end = limit.get();
        int[] none = new int[0];
        int freed = 0;
        int bestNode = -1;
        int bestLevel = -1;
        for (int node = 0; node < end; node++) {
            int level = pages.levelOf(node);
            if (level < 0) {
                continue;
            }
            if (pages.isTombstoned(node)) {
                for (int l = 0; l <= level; l++) {
                    writeNeighbours(pages, node, l, none, 0);
                }
                pages.metaPage(node)[GraphPages.metaOffset(node)] = 0;
                setTombstone(pages, node, false);
                freed++;
            } else if (level > bestLevel) {
                bestLevel = level;
                bestNode = node;
            }
        }
        tombstoned.addAndGet(-freed);
        long ep = entry;
        if (ep < 0 || pages.levelOf(entryNode(ep)) < 0) {
            entry = bestNode < 0 ? -1 : entryOf(bestNode, bestLevel);
        }
        return freed;
    }

    /**
     * Loading: places {@code node} at {@code level} with empty lists, live or tombstoned (the caller fills its
     * lists). Only while nothing else uses the graph.
     */
    void restore(GraphPages pages, int node, int level, boolean isTombstoned) {
        int[] meta = pages.metaPage(node);
        int at = GraphPages.metaOffset(node);
        if (level > 0) {
            meta[at + 1] = allocateUpper(level);
            meta[at + 2] = level;
        }
        meta[at] = level + 1;
        if (isTombstoned) {
            setTombstone(pages, node, true);
            tombstoned.incrementAndGet();
        } else {
            live.incrementAndGet();
        }
    }

    /** Loading: the limit and the entry point of the loaded graph. */
    void restore(int end, long entryPoint) {
        limit.set(end);
        entry = entryPoint;
    }

    // ---------------------------------------------------------------------------------------------------------
    // entry point

    /** The entry point, {@code level << 32 | node}, or -1 when the graph is empty. */
    long entry() {
        return entry;
    }

    static long entryOf(int node, int level) {
        return ((long) level << 32) | node;
    }

    static int entryNode(long entry) {
        return (int) entry;
    }

    static int entryLevel(long entry) {
        return (int) (entry >>> 32);
    }

    /** Makes {@code node} the entry point if the graph has none; returns -1 if it did, else the entry point. */
    long entryOrClaim(int node, int level) {
        long ep = entry;
        if (ep >= 0) {
            return ep;
        }
        synchronized (entryLock) {
            if (entry < 0) {
                entry = entryOf(node, level);
                return -1;
            }
            return entry;
        }
    }

    /** Makes {@code node} the entry point if its level is above the entry point's. */
    void raiseEntry(int node, int level) {
        synchronized (entryLock) {
            if (level > entryLevel(entry)) {
                entry = entryOf(node, level);
            }
        }
    }
}
