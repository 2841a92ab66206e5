package dev.caracal.vector.index.hnsw.internal;

import java.util.Arrays;

/**
 * The state one thread reuses from search to search (and insert to insert) on one index, so that a search allocates
 * nothing per visited node: the visited marks (a generation counter, cleared only when it wraps), the candidate and
 * result heaps, neighbour buffers and the prepared queries.
 */
final class SearchScratch {
    /** Nodes an exact scan gathers before it scores them. */
    static final int SCAN_BATCH = 64;

    /** Visit marks: 16-bit generations, half the memory of ints (a 250,000-node graph's marks stay in L2). */
    private char[] visited = new char[0];

    private char generation;
    final LongHeap candidates = new LongHeap(256);
    final LongHeap results = new LongHeap(256);
    private int[] neighbours = new int[0];
    private int[] secondHop = new int[0];
    private int[] fresh = new int[0];
    private int[] linked = new int[0];
    private final int[] scanBatch = new int[SCAN_BATCH];
    private float[] rerank;
    /** What {@link VectorScorer.PreparedQuery#touch} read, kept so that the reads stay. */
    int touched;
    /** The query of a search (compared by the search similarity). */
    final VectorScorer.PreparedQuery search;
    /** A vector being inserted, and the nodes the graph compares (by the graph's similarity): ... */
    final VectorScorer.PreparedQuery insert;
    /** ... a node whose neighbour list is being rebuilt, compared with its candidates, ... */
    final VectorScorer.PreparedQuery target;
    /** ... and a candidate neighbour, compared with the neighbours kept so far. */
    final VectorScorer.PreparedQuery pair;

    SearchScratch(VectorScorer scorer) {
        search = scorer.newQuery(scorer.searchSimilarity);
        insert = scorer.newQuery(scorer.graphSimilarity);
        target = scorer.newQuery(scorer.graphSimilarity);
        pair = scorer.newQuery(scorer.graphSimilarity);
    }

    /** Starts a traversal of a graph of up to {@code capacity} nodes: nothing is visited. */
    void startVisit(int capacity) {
        if (visited.length < capacity) {
            visited = new char[Math.max(capacity, visited.length + (visited.length >> 1))];
            generation = 0;
        }
        if (++generation == Character.MAX_VALUE) {
            Arrays.fill(visited, (char) 0); // once every 65,534 traversals
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

    /** A buffer for the neighbours of the node a traversal expands. */
    int[] neighbours(int size) {
        if (neighbours.length < size) {
            neighbours = new int[size];
        }
        return neighbours;
    }

    /** A buffer for the neighbours of a neighbour (two-hop search). */
    int[] secondHop(int size) {
        if (secondHop.length < size) {
            secondHop = new int[size];
        }
        return secondHop;
    }

    /** A buffer for the new neighbours of the candidates a traversal step expands. */
    int[] fresh(int size) {
        if (fresh.length < size) {
            fresh = new int[size];
        }
        return fresh;
    }

    /** A buffer for the list of a node a new node is linked into. */
    int[] linked(int size) {
        if (linked.length < size) {
            linked = new int[size];
        }
        return linked;
    }

    /** A buffer of {@value #SCAN_BATCH} nodes an exact scan has accepted and not scored yet. */
    int[] scanBatch() {
        return scanBatch;
    }

    /** A buffer for a full-precision vector read to re-rank a candidate. */
    float[] rerank(int dimension) {
        if (rerank == null || rerank.length != dimension) {
            rerank = new float[dimension];
        }
        return rerank;
    }
}
