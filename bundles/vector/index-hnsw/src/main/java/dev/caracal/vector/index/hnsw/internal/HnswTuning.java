package dev.caracal.vector.index.hnsw.internal;

/**
 * The measured choices of an index that are not build parameters: when to compact, when a filtered search scans
 * exactly instead of traversing the graph, how it traverses, and how neighbour lists are filled. One instance per
 * index, read at each use; the defaults are what the index runs with, tests and measurement mains change them.
 */
final class HnswTuning {
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
     * Whether filtered traversals skip scoring rejected nodes and look two hops instead (see
     * {@link HnswSearcher}), when at least {@link #twoHopMinSelectivity} of the live vectors is estimated to match.
     * Measured: at 10% it keeps recall >= 0.99 at 2-6x the speed; at 5% and below the two-hop neighbourhoods stop
     * connecting the accepted nodes (recall 0.88-0.98 on clustered data), so those selectivities keep the classic
     * traversal (or exact scan below 3%).
     */
    boolean twoHopFilter = true;

    double twoHopMinSelectivity = 0.08;
    /**
     * How many candidates a search step expands together on level 0 (see {@link Traversal#searchLevel}); builds expand
     * one. Measured at 1,000,000 x 128 clustered (hnsw-ab, docs/benchmarks.md): 2 alone x1.00..1.03 QPS at ef 64..256,
     * with the two-pass touch of {@link TraversalLoops} x1.09..1.10 over neither (that touch alone x1.07..1.09), with
     * recall a little higher at equal ef (0.9477 against 0.9458 at ef 256); 3 was no better than 2. On 250,000 x 128
     * and Fashion-MNIST within noise (x0.96..1.05 at recall 0.95 and 0.99).
     */
    int expansionWidth = 2;

    /** Whether lists the heuristic leaves short are topped up with the pruned candidates (off: plain heuristic). */
    boolean fillPruned;
}
