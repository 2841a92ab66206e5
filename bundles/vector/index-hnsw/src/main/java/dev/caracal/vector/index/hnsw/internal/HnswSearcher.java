package dev.caracal.vector.index.hnsw.internal;

import static dev.caracal.vector.index.hnsw.internal.ScoredNode.encode;
import static dev.caracal.vector.index.hnsw.internal.ScoredNode.node;
import static dev.caracal.vector.index.hnsw.internal.ScoredNode.score;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import java.util.Arrays;

/**
 * Searches the graph: greedy descent through the upper levels, beam search on one level (also what an insert uses to
 * find its neighbours), filtered search (the filter inside the beam, or two hops past rejected nodes), and the exact
 * scan a very selective filter gets instead. Each thread keeps its own {@link SearchScratch}. Callers exclude
 * compaction, loading and closing while a search runs.
 */
final class HnswSearcher {
    private final HnswGraph graph;
    private final VectorScorer scorer;
    private final HnswTuning tuning;
    private final int maxNeighbours;
    private final ThreadLocal<SearchScratch> scratch;

    HnswSearcher(HnswGraph graph, VectorScorer scorer, HnswTuning tuning) {
        this.graph = graph;
        this.scorer = scorer;
        this.tuning = tuning;
        this.maxNeighbours = graph.maxConnections(0);
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
        long closest = greedy(pages, s, q, HnswGraph.entryNode(entry), HnswGraph.entryLevel(entry), 0);
        if (filterInside && twoHop) {
            searchTwoHops(pages, s, q, ef, filter, node(closest));
        } else {
            searchLevel(pages, s, q, ef, 0, filterInside ? filter : null, -1, new long[] {closest}, 1);
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
                offerAll(q, batch, count, candidates, top);
                count = 0;
            }
        }
        offerAll(q, batch, count, candidates, top);
        return scorer.results(query, k, candidates, ScoredNode.drainBestFirst(top), s);
    }

    /** Scores {@code nodes} in order, keeping the best {@code keep} of everything scored in {@code top}. */
    private static void offerAll(VectorScorer.PreparedQuery q, int[] nodes, int count, int keep, LongHeap top) {
        for (int i = 0; i < count; i++) {
            int node = nodes[i];
            float similarity = q.score(node);
            if (top.size() < keep) {
                top.push(encode(similarity, node));
            } else if (similarity > score(top.peek())) {
                top.replaceTop(encode(similarity, node));
            }
        }
    }

    /**
     * Greedy descent from {@code node} at {@code fromLevel} to {@code targetLevel + 1}; returns the closest found with
     * its similarity to {@code q} ({@link ScoredNode#encode}), the entry {@link #searchLevel} takes.
     */
    long greedy(
            GraphPages pages, SearchScratch s, VectorScorer.PreparedQuery q, int node, int fromLevel, int targetLevel) {
        float best = q.score(node);
        int[] neighbours = s.neighbours(maxNeighbours);
        for (int level = fromLevel; level > targetLevel; level--) {
            boolean changed = true;
            while (changed) {
                changed = false;
                int count = graph.readNeighbours(pages, node, level, neighbours);
                for (int i = 0; i < count; i++) {
                    int neighbour = neighbours[i];
                    if (neighbour < 0 || pages.levelOf(neighbour) < level) {
                        continue;
                    }
                    float similarity = q.score(neighbour);
                    if (similarity > best) {
                        best = similarity;
                        node = neighbour;
                        changed = true;
                    }
                }
            }
        }
        return encode(best, node);
    }

    /**
     * Beam search on one level from the {@code entryCount} nodes in {@code entries}, each encoded with its similarity
     * to {@code q} ({@link ScoredNode#encode}: what {@link #greedy} returns, or the results of the level above);
     * leaves in {@code s.results} the {@code ef} best nodes that are not tombstoned, {@code filter} accepts (if given)
     * and are not {@code exclude}; every node is a stepping stone.
     *
     * <p>The entries come scored so that this method has one call site of the kernel, not two: where the search loop
     * sees two query classes (a JVM holding float and int8 indexes), C2 inlines both kernels at every call site, and
     * with the entries' site too it ran out of its node budget and left the main loop's float kernel a call per
     * neighbour ({@code NodeCountInliningCutoff}; measured: x0.94 QPS at recall 0.95 with an int8 index beside).
     *
     * <p>Each expansion first gathers the neighbours not visited yet, then touches their vectors (see
     * {@link VectorScorer.PreparedQuery#touch}: every load in flight at once, where scoring one by one waits for each
     * vector in turn), then scores them. On level 0 the list is read in place and a neighbour needs no
     * level check: every id in a level-0 list is a node of the graph (compaction unlinks removed nodes before it
     * frees them, and a node is linked only once published), so only ids past the limit read at the start or on a
     * page this version of the page directory does not have (a node added meanwhile) are skipped.
     */
    void searchLevel(
            GraphPages pages,
            SearchScratch s,
            VectorScorer.PreparedQuery q,
            int ef,
            int level,
            OrdinalFilter filter,
            int exclude,
            long[] entries,
            int entryCount) {
        LongHeap candidates = s.candidates;
        LongHeap results = s.results;
        candidates.clear();
        results.clear();
        int end = graph.limit();
        s.startVisit(end);
        for (int i = 0; i < entryCount; i++) {
            int entry = node(entries[i]);
            if (!s.visit(entry)) {
                continue;
            }
            if (pages.levelOf(entry) < 0) {
                continue;
            }
            float similarity = score(entries[i]);
            candidates.push(~encode(similarity, entry));
            if (accepted(pages, entry, filter, exclude)) {
                results.push(encode(similarity, entry));
                if (results.size() > ef) {
                    results.pop();
                }
            }
        }
        int[] neighbours = s.neighbours(maxNeighbours);
        int[] fresh = s.secondHop(maxNeighbours);
        while (candidates.size() > 0) {
            long closest = ~candidates.pop();
            if (results.size() >= ef && score(closest) < score(results.peek())) {
                break;
            }
            int n = 0;
            if (level == 0) {
                int[] list = graph.level0List(pages, node(closest));
                int base = graph.level0Base(node(closest));
                int count = graph.level0Count(list, base);
                for (int i = 1; i <= count; i++) {
                    int neighbour = list[base + i];
                    if (neighbour >= 0 && neighbour < end && pages.isPresent(neighbour) && s.visit(neighbour)) {
                        fresh[n++] = neighbour;
                    }
                }
            } else {
                int count = graph.readNeighbours(pages, node(closest), level, neighbours);
                for (int i = 0; i < count; i++) {
                    int neighbour = neighbours[i];
                    if (neighbour >= 0 && s.visit(neighbour) && pages.levelOf(neighbour) >= level) {
                        fresh[n++] = neighbour;
                    }
                }
            }
            int folded = 0;
            for (int i = 0; i < n; i++) {
                folded ^= q.touch(fresh[i]);
            }
            if (level == 0) {
                // and the head of each one's neighbour list, needed if it is expanded later (hnswlib keeps a node's
                // list beside its vector, so loading one brings the other; here they live in separate pages)
                for (int i = 0; i < n; i++) {
                    int f = fresh[i];
                    folded ^= graph.level0List(pages, f)[graph.level0Base(f)];
                }
            }
            s.touched ^= folded;
            for (int i = 0; i < n; i++) {
                int neighbour = fresh[i];
                float similarity = q.score(neighbour);
                if (results.size() < ef || similarity > score(results.peek())) {
                    candidates.push(~encode(similarity, neighbour));
                    if (accepted(pages, neighbour, filter, exclude)) {
                        results.push(encode(similarity, neighbour));
                        if (results.size() > ef) {
                            results.pop();
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
    private void searchTwoHops(
            GraphPages pages, SearchScratch s, VectorScorer.PreparedQuery q, int ef, OrdinalFilter filter, int entry) {
        LongHeap candidates = s.candidates;
        LongHeap results = s.results;
        candidates.clear();
        results.clear();
        s.startVisit(graph.limit());
        s.visit(entry);
        float entrySimilarity = q.score(entry);
        candidates.push(~encode(entrySimilarity, entry));
        if (accepted(pages, entry, filter, -1)) {
            results.push(encode(entrySimilarity, entry));
        }
        int[] neighbours = s.neighbours(maxNeighbours);
        int[] secondHop = s.secondHop(maxNeighbours);
        while (candidates.size() > 0) {
            long closest = ~candidates.pop();
            if (results.size() >= ef && score(closest) < score(results.peek())) {
                break;
            }
            int count = graph.readNeighbours(pages, node(closest), 0, neighbours);
            for (int i = 0; i < count; i++) {
                int neighbour = neighbours[i];
                if (neighbour < 0 || pages.levelOf(neighbour) < 0 || !s.visit(neighbour)) {
                    continue;
                }
                if (accepted(pages, neighbour, filter, -1)) {
                    offer(q, neighbour, ef, candidates, results);
                    continue;
                }
                int secondCount = graph.readNeighbours(pages, neighbour, 0, secondHop);
                for (int j = 0; j < secondCount; j++) {
                    int next = secondHop[j];
                    if (next < 0 || pages.levelOf(next) < 0 || !accepted(pages, next, filter, -1) || !s.visit(next)) {
                        continue;
                    }
                    offer(q, next, ef, candidates, results);
                }
            }
        }
    }

    /** Scores an accepted node and queues it when it ranks among the {@code ef} best so far. */
    private static void offer(VectorScorer.PreparedQuery q, int node, int ef, LongHeap candidates, LongHeap results) {
        float similarity = q.score(node);
        if (results.size() < ef || similarity > score(results.peek())) {
            candidates.push(~encode(similarity, node));
            results.push(encode(similarity, node));
            if (results.size() > ef) {
                results.pop();
            }
        }
    }

    private static boolean accepted(GraphPages pages, int node, OrdinalFilter filter, int exclude) {
        return node != exclude && !pages.isTombstoned(node) && (filter == null || filter.accept(node));
    }
}
