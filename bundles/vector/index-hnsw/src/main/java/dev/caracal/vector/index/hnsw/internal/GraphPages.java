package dev.caracal.vector.index.hnsw.internal;

import java.util.Arrays;

/**
 * One version of the graph's page directory: per page of {@value #PAGE_SIZE} nodes (by ordinal) the level-0 neighbour
 * blocks, the per-node metadata and the tombstone bits. The directory is replaced (copied, longer) when it grows;
 * pages themselves never move, so a reader works with the version it read first and sees every node that was present
 * then. The index's vectors are paged the same way (see {@link VectorScorer}).
 */
final class GraphPages {
    static final int PAGE_BITS = 12;
    static final int PAGE_SIZE = 1 << PAGE_BITS;
    static final int PAGE_MASK = PAGE_SIZE - 1;
    /** Ints of metadata per node: level + 1 (0 = absent), first upper block, upper blocks allocated. */
    static final int META = 3;

    final int[][] level0;
    final int[][] meta;
    final long[][] tombstones;

    GraphPages(int length) {
        level0 = new int[length][];
        meta = new int[length][];
        tombstones = new long[length][];
    }

    GraphPages(GraphPages old, int length) {
        level0 = Arrays.copyOf(old.level0, length);
        meta = Arrays.copyOf(old.meta, length);
        tombstones = Arrays.copyOf(old.tombstones, length);
    }

    /** The level of {@code node}, or -1 when it is not in the graph. */
    int levelOf(int node) {
        int page = node >>> PAGE_BITS;
        if (node < 0 || page >= meta.length) {
            return -1;
        }
        int[] nodes = meta[page];
        return nodes == null ? -1 : nodes[(node & PAGE_MASK) * META] - 1;
    }

    boolean isTombstoned(int node) {
        long[] bits = tombstones[node >>> PAGE_BITS];
        return bits != null && (bits[(node & PAGE_MASK) >>> 6] & (1L << node)) != 0;
    }

    /** Whether the page of {@code node} is allocated. */
    boolean isPresent(int node) {
        int page = node >>> PAGE_BITS;
        return page < meta.length && meta[page] != null;
    }

    /** The metadata page of {@code node}. */
    int[] metaPage(int node) {
        return meta[node >>> PAGE_BITS];
    }

    /** Where the metadata of {@code node} starts in its page. */
    static int metaOffset(int node) {
        return (node & PAGE_MASK) * META;
    }
}
