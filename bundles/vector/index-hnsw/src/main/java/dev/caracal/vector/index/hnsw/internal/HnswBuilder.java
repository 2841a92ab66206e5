package dev.caracal.vector.index.hnsw.internal;

import static dev.caracal.vector.index.hnsw.internal.ScoredNode.encode;
import static dev.caracal.vector.index.hnsw.internal.ScoredNode.node;
import static dev.caracal.vector.index.hnsw.internal.ScoredNode.score;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes the graph: inserts a node (a random level, a beam search per level for its candidates, the diversity
 * heuristic to pick its neighbours, links back from them), repairs the lists around a removed node, and compacts
 * tombstoned nodes away. Inserts and removes run concurrently with each other and with searches (each neighbour list
 * under its stripe lock); the caller runs {@link #compact} alone.
 */
final class HnswBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(HnswBuilder.class);

    private final String collection;
    private final HnswGraph graph;
    private final VectorScorer scorer;
    private final HnswSearcher searcher;
    private final HnswTuning tuning;
    private final int efConstruction;
    private final int maxNeighbours;
    private final double levelFactor;

    HnswBuilder(
            String collection,
            HnswParams params,
            HnswGraph graph,
            VectorScorer scorer,
            HnswSearcher searcher,
            HnswTuning tuning) {
        this.collection = collection;
        this.graph = graph;
        this.scorer = scorer;
        this.searcher = searcher;
        this.tuning = tuning;
        this.efConstruction = params.efConstruction();
        this.maxNeighbours = graph.maxConnections(0);
        this.levelFactor = 1.0 / Math.log(params.m());
    }

    // ---------------------------------------------------------------------------------------------------------
    // insert

    /** Inserts {@code node} with {@code vector}, or gives a node still in the graph a new vector and new links. */
    void insert(int node, float[] vector) {
        scorer.ensurePage(node); // the vector page first: a node the graph holds has its vector page
        graph.ensurePage(node);
        GraphPages pages = graph.pages();
        int level;
        synchronized (graph.stripe(node)) {
            int existing = pages.levelOf(node);
            if (existing >= 0) {
                // re-add of a node still in the graph (live or tombstoned): new vector, same level, relinked
                level = existing;
                graph.revive(pages, node);
            } else {
                level = levelFor(node);
                graph.reserve(pages, node, level);
            }
            scorer.store(node, vector);
            graph.publish(pages, node, level, existing < 0);
        }
        graph.extendLimit(node);

        long entry = graph.entryOrClaim(node, level);
        if (entry < 0) {
            return; // the first node: the entry point
        }
        int entryNode = HnswGraph.entryNode(entry);
        int entryLevel = HnswGraph.entryLevel(entry);
        SearchScratch s = searcher.scratch();
        VectorScorer.PreparedQuery q = scorer.prepare(vector, s.insert);
        long closest = entryNode == node
                ? encode(q.score(entryNode), entryNode)
                : q.traversal.greedy(graph, pages, s, q, entryNode, entryLevel, level);
        long[] entries = {closest};
        int entryCount = 1;
        for (int l = Math.min(level, entryLevel); l >= 0; l--) {
            q.traversal.searchLevel(graph, pages, s, q, efConstruction, l, null, node, entries, entryCount, 1);
            long[] found = ScoredNode.drainBestFirst(s.results);
            if (found.length == 0) {
                continue;
            }
            int max = graph.maxConnections(l);
            int[] selected = new int[max];
            int kept = selectDiverse(s, found, found.length, max, selected);
            synchronized (graph.stripe(node)) {
                graph.writeNeighbours(pages, node, l, selected, kept);
            }
            for (int i = 0; i < kept; i++) {
                link(pages, s, selected[i], l, node);
            }
            entries = found;
            entryCount = found.length;
        }
        if (level > entryLevel) {
            graph.raiseEntry(node, level);
        }
    }

    /**
     * The level of a new node: drawn from the usual exponential distribution, but by a hash of its ordinal (SplitMix64's
     * finalizer) rather than a random generator, so that the same vectors added in the same order make the same graph
     * whatever thread adds them: builds are reproducible and two builds of the code compare on equal graphs.
     */
    private int levelFor(int node) {
        long z = (node + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        double r = (z >>> 11) * 0x1.0p-53; // uniform in [0, 1)
        return (int) Math.min(HnswGraph.MAX_LEVEL, Math.floor(-Math.log(1.0 - r) * levelFactor));
    }

    // ---------------------------------------------------------------------------------------------------------
    // neighbour selection

    /**
     * The diversity heuristic: walks {@code candidates} (encoded, best first, similarity to the base node) and keeps
     * a candidate only if it is closer to the base than to every neighbour kept so far. Returns how many it kept.
     */
    private int selectDiverse(SearchScratch s, long[] candidates, int count, int max, int[] out) {
        boolean fillPruned = tuning.fillPruned;
        int kept = 0;
        int[] pruned = fillPruned ? new int[count] : null;
        int prunedCount = 0;
        VectorScorer.PreparedQuery candidate = s.pair;
        for (int i = 0; i < count && kept < max; i++) {
            int node = node(candidates[i]);
            float similarity = score(candidates[i]);
            boolean diverse = true;
            if (kept > 0) {
                scorer.prepareNode(node, candidate);
                diverse = !candidate.traversal.closerToAny(candidate, out, kept, similarity);
            }
            if (diverse) {
                out[kept++] = node;
            } else if (fillPruned) {
                pruned[prunedCount++] = node;
            }
        }
        for (int i = 0; i < prunedCount && kept < max; i++) {
            out[kept++] = pruned[i];
        }
        return kept;
    }

    /** Adds {@code node} to the neighbour list of {@code target}, shrinking it with the heuristic when full. */
    private void link(GraphPages pages, SearchScratch s, int target, int level, int node) {
        int max = graph.maxConnections(level);
        synchronized (graph.stripe(target)) {
            if (pages.levelOf(target) < level) {
                return;
            }
            int[] neighbours = s.linked(max);
            int count = graph.readNeighbours(pages, target, level, neighbours);
            if (contains(neighbours, count, node)) {
                return;
            }
            if (count < max) {
                graph.appendNeighbour(pages, target, level, count, node);
                return;
            }
            long[] candidates = new long[count + 1];
            VectorScorer.PreparedQuery base = scorer.prepareNode(target, s.target);
            base.traversal.scoreAll(base, neighbours, count, candidates);
            candidates[count] = encode(base.score(node), node);
            ScoredNode.sortBestFirst(candidates, count + 1);
            int[] out = new int[max];
            int kept = selectDiverse(s, candidates, count + 1, max, out);
            graph.writeNeighbours(pages, target, level, out, kept);
        }
    }

    /**
     * Rebuilds the list of {@code node} at {@code level} with the heuristic from its current neighbours and
     * {@code extra} candidates, dropping tombstoned ones (the caller holds the stripe lock of {@code node}, or runs
     * alone).
     */
    private void rebuildList(
            GraphPages pages,
            SearchScratch s,
            int node,
            int level,
            int[] current,
            int currentCount,
            int[] extra,
            int extraCount) {
        long[] candidates = new long[currentCount + extraCount];
        VectorScorer.PreparedQuery base = scorer.prepareNode(node, s.target);
        int n = addCandidates(pages, base, node, level, current, currentCount, candidates, 0);
        n = addCandidates(pages, base, node, level, extra, extraCount, candidates, n);
        ScoredNode.sortBestFirst(candidates, n);
        int max = graph.maxConnections(level);
        int[] out = new int[max];
        int kept = selectDiverse(s, candidates, n, max, out);
        graph.writeNeighbours(pages, node, level, out, kept);
    }

    /**
     * Appends to {@code candidates} (holding {@code n}) each of {@code nodes} that is live at {@code level}, is not
     * {@code node} and not there yet, scored against {@code base}; returns the new count.
     */
    private static int addCandidates(
            GraphPages pages,
            VectorScorer.PreparedQuery base,
            int node,
            int level,
            int[] nodes,
            int count,
            long[] candidates,
            int n) {
        for (int i = 0; i < count; i++) {
            int candidate = nodes[i];
            if (candidate == node
                    || pages.levelOf(candidate) < level
                    || pages.isTombstoned(candidate)
                    || containsNode(candidates, n, candidate)) {
                continue;
            }
            candidates[n++] = encode(base.score(candidate), candidate);
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------------------
    // removal

    /** Tombstones {@code node} and reconnects its neighbours; a no-op unless it is live. */
    void remove(int node) {
        GraphPages pages = graph.pages();
        int level = graph.markRemoved(pages, node);
        if (level >= 0) {
            repairAround(pages, node, level);
        }
    }

    /**
     * Reconnects the neighbours of a deleted node that linked to it: each gets its list rebuilt by the heuristic
     * from its other neighbours plus the deleted node's neighbours.
     */
    private void repairAround(GraphPages pages, int deleted, int level) {
        SearchScratch s = searcher.scratch();
        int[] orphans = new int[maxNeighbours];
        int[] neighbours = new int[maxNeighbours];
        for (int l = 0; l <= level; l++) {
            int orphanCount = graph.readNeighbours(pages, deleted, l, orphans);
            for (int i = 0; i < orphanCount; i++) {
                int orphan = orphans[i];
                if (orphan == deleted || pages.levelOf(orphan) < l || pages.isTombstoned(orphan)) {
                    continue;
                }
                synchronized (graph.stripe(orphan)) {
                    int count = graph.readNeighbours(pages, orphan, l, neighbours);
                    if (contains(neighbours, count, deleted)) {
                        rebuildList(pages, s, orphan, l, neighbours, count, orphans, orphanCount);
                    }
                }
            }
        }
    }

    /** Whether tombstones exceed the compaction ratio of the nodes (and there are at least 64). */
    boolean compactionDue() {
        int tombstones = graph.tombstones();
        return tombstones >= 64 && tombstones > tuning.compactionRatio * (tombstones + graph.size());
    }

    /**
     * Unlinks tombstoned nodes from every list (refilling a list that lost neighbours from the removed nodes'
     * neighbours) and frees their slots. The caller runs it alone.
     */
    void compact() {
        GraphPages pages = graph.pages();
        SearchScratch s = searcher.scratch();
        int[] list = new int[maxNeighbours];
        int[] refill = new int[maxNeighbours * maxNeighbours];
        int[] removedNeighbours = new int[maxNeighbours];
        for (int node = 0, end = graph.limit(); node < end; node++) {
            int level = pages.levelOf(node);
            if (level < 0 || pages.isTombstoned(node)) {
                continue;
            }
            for (int l = 0; l <= level; l++) {
                unlinkRemoved(pages, s, node, l, list, refill, removedNeighbours);
            }
        }
        int freed = graph.freeTombstoned();
        LOG.debug("Collection '{}': hnsw compaction freed {} nodes", collection, freed);
    }

    /**
     * Rebuilds the list of live {@code node} at {@code level} if it holds removed nodes, with the neighbours of those
     * removed nodes as extra candidates ({@code list}, {@code refill} and {@code removedNeighbours} are buffers).
     */
    private void unlinkRemoved(
            GraphPages pages, SearchScratch s, int node, int level, int[] list, int[] refill, int[] removedNeighbours) {
        int count = graph.readNeighbours(pages, node, level, list);
        int refillCount = 0;
        boolean lost = false;
        for (int i = 0; i < count; i++) {
            int neighbour = list[i];
            if (pages.levelOf(neighbour) >= level && !pages.isTombstoned(neighbour)) {
                continue; // still there
            }
            lost = true;
            if (pages.levelOf(neighbour) >= level) {
                int k = graph.readNeighbours(pages, neighbour, level, removedNeighbours);
                for (int j = 0; j < k && refillCount < refill.length; j++) {
                    refill[refillCount++] = removedNeighbours[j];
                }
            }
        }
        if (lost) {
            rebuildList(pages, s, node, level, list, count, refill, refillCount);
        }
    }

    private static boolean contains(int[] nodes, int count, int node) {
        for (int i = 0; i < count; i++) {
            if (nodes[i] == node) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsNode(long[] scored, int count, int node) {
        for (int i = 0; i < count; i++) {
            if (node(scored[i]) == node) {
                return true;
            }
        }
        return false;
    }
}
