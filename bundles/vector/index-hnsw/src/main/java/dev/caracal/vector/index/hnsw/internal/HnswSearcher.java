package dev.caracal.vector.index.hnsw.internal;

import static dev.caracal.vector.index.hnsw.internal.ScoredNode.node;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import java.util.Arrays;

/**
 * Searches the graph: plans a search (the filter inside the beam, two hops past rejected nodes, or the exact scan a
 * very selective filter gets instead) and runs it in the loops of the query's class ({@link Traversal}: greedy descent
 * through the upper levels, beam search on one level, which is also what an insert uses to find its neighbours). Each thread keeps its own {@link SearchScratch}. Callers exclude
 * compaction, loading and closing while a search runs.
 */
final class HnswSearcher {
    private final HnswGraph graph;
    private final VectorScorer scorer;
    private final HnswTuning tuning;
    private final ThreadLocal<SearchScratch> scratch;

    HnswSearcher(HnswGraph graph, VectorScorer scorer, HnswTuning tuning) {
        this.graph = graph;
        this.scorer = scorer;
        this.tuning = tuning;
        this.scratch = ThreadLocal.withInitial(() -> new SearchScratch(scorer));
    }

    /** This thread's scratch. */
    SearchScratch scratch() {
        return scratch.get();
    }

    /**
     * The best {@code k} live nodes {@code filter} accepts (if given) for {@code query}: the graph search keeps
     * {@code ef} candidates and yields the best {@code candidates} of them (see {@link VectorScorer#candidates}).
     */
    ScoredOrdinals search(float[] query, int k, int ef, int candidates, OrdinalFilter filter) {
        long entry = graph.entry();
        int live = graph.size();
        if (entry < 0 || live == 0 || k <= 0) {
            return new ScoredOrdinals(new int[0], new float[0]);
        }
        GraphPages pages = graph.pages();
        if (filter != null) {
            int estimate = filter.estimatedCount();
            if (estimate < live) {
                double selectivity = Math.max(estimate, 1) / (double) live;
                if (estimate <= tuning.exactScanMaxMatches || selectivity < tuning.exactScanSelectivity) {
                    return exactScan(pages, query, k, candidates, filter);
                }
                // the result list only takes accepted nodes while rejected ones stay stepping stones, so a
                // beam of ef accepted results already walks past about ef / selectivity nodes: growing ef by
                // 1 / selectivity as well (growth 1) made 10% filters ~10x slower for no recall
                int filteredEf = (int) Math.max(
                        ef,
                        Math.min(
                                Math.max(ef, tuning.maxFilteredEf),
                                Math.ceil(ef * Math.pow(1 / selectivity, tuning.filteredEfGrowth))));
                boolean twoHop = tuning.twoHopFilter && selectivity >= tuning.twoHopMinSelectivity;
                ScoredOrdinals found = traverse(pages, query, k, candidates, filteredEf, filter, true, twoHop, entry);
                return found.size() < k ? exactScan(pages, query, k, candidates, filter) : found;
            }
        }
        // no restriction beyond liveness: traverse unfiltered, then check the filter on the results
        return traverse(pages, query, k, candidates, ef, filter, false, false, entry);
    }

    private ScoredOrdinals traverse(
            GraphPages pages,
            float[] query,
            int k,
            int candidates,
            int ef,
            OrdinalFilter filter,
            boolean filterInside,
            boolean twoHop,
            long entry) {
        SearchScratch s = scratch.get();
        VectorScorer.PreparedQuery q = scorer.prepare(query, s.search);
        long closest =
                q.traversal.greedy(graph, pages, s, q, HnswGraph.entryNode(entry), HnswGraph.entryLevel(entry), 0);
        if (filterInside && twoHop) {
            q.traversal.searchTwoHops(graph, pages, s, q, ef, filter, node(closest));
        } else {
            q.traversal.searchLevel(
                    graph,
                    pages,
                    s,
                    q,
                    ef,
                    0,
                    filterInside ? filter : null,
                    -1,
                    new long[] {closest},
                    1,
                    tuning.expansionWidth);
        }
        long[] found = ScoredNode.drainBestFirst(s.results);
        if (!filterInside && filter != null) {
            int n = 0;
            for (long f : found) {
                if (filter.accept(node(f))) {
                    found[n++] = f;
                }
            }
            found = Arrays.copyOf(found, n);
        }
        return scorer.results(query, k, candidates, found, s);
    }

    /**
     * An exact scan of the index's own vectors, over the live nodes {@code filter} accepts. The nodes that pass are
     * gathered in batches and scored batch by batch, so the loop over every node stays small whatever the kernel
     * (with the kernels of two index types inlined into it, the interleaved loop ran a fifth slower).
     */
    private ScoredOrdinals exactScan(GraphPages pages, float[] query, int k, int candidates, OrdinalFilter filter) {
        SearchScratch s = scratch.get();
        LongHeap top = s.results;
        top.clear();
        VectorScorer.PreparedQuery q = scorer.prepare(query, s.search);
        int[] batch = s.scanBatch();
        int count = 0;
        int end = graph.limit();
        for (int node = 0; node < end; node++) {
            if (!pages.isPresent(node)) {
                node |= GraphPages.PAGE_MASK; // skip an unallocated page
                continue;
            }
            if (pages.levelOf(node) < 0 || pages.isTombstoned(node) || (filter != null && !filter.accept(node))) {
                continue;
            }
            batch[count++] = node;
            if (count == batch.length) {
                q.traversal.offerAll(q, batch, count, candidates, top);
                count = 0;
            }
        }
        q.traversal.offerAll(q, batch, count, candidates, top);
        return scorer.results(query, k, candidates, ScoredNode.drainBestFirst(top), s);
    }
}
