package dev.caracal.vector.index.hnsw.internal;

import static dev.caracal.vector.index.hnsw.internal.ScoredNode.encode;
import static dev.caracal.vector.index.hnsw.internal.ScoredNode.node;
import static dev.caracal.vector.index.hnsw.internal.ScoredNode.score;

import dev.caracal.vector.index.OrdinalFilter;

/**
 * The graph's search loops. Each query class runs its own copy of this class's bytecode ({@link Traversal}), so the
 * class holds no state and names no nested or anonymous class: all it uses comes in as arguments. Callers exclude
 * compaction, loading and closing while a search runs.
 */
final class TraversalLoops extends Traversal {
    @Override
    long greedy(
            HnswGraph graph,
            GraphPages pages,
            SearchScratch s,
            VectorScorer.PreparedQuery q,
            int node,
            int fromLevel,
            int targetLevel) {
        float best = q.score(node);
        int[] neighbours = s.neighbours(graph.maxConnections(0));
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
     * {@inheritDoc}
     *
     * <p>The entries come scored so that this method has one call site of the kernel, not two (with the entries' site
     * too, C2 once ran out of its node budget and left the main loop's kernel a call per neighbour).
     *
     * <p>Each expansion first gathers the neighbours not visited yet, then touches their vectors (see
     * {@link VectorScorer.PreparedQuery#touch}: every load in flight at once, where scoring one by one waits for each
     * vector in turn), then scores them. On level 0 the list is read in place and a neighbour needs no level check:
     * every id in a level-0 list is a node of the graph (compaction unlinks removed nodes before it frees them, and a
     * node is linked only once published), so only ids past the limit read at the start or on a page this version of
     * the page directory does not have (a node added meanwhile) are skipped.
     *
     * <p>The touch goes in two passes: the first line of every new vector and the head of every new list, then every
     * line of the vectors, so that each new node's first miss is under way before the loads of the other lines are
     * issued. With {@code width} 2 on level 0, the ~12 new vectors of two expansions are fetched together.
     */
    @Override
    void searchLevel(
            HnswGraph graph,
            GraphPages pages,
            SearchScratch s,
            VectorScorer.PreparedQuery q,
            int ef,
            int level,
            OrdinalFilter filter,
            int exclude,
            long[] entries,
            int entryCount,
            int width) {
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
        int maxNeighbours = graph.maxConnections(0);
        int[] neighbours = s.neighbours(maxNeighbours);
        int[] fresh = s.fresh(maxNeighbours * Math.max(width, 1));
        while (candidates.size() > 0) {
            long closest = ~candidates.pop();
            if (results.size() >= ef && score(closest) < score(results.peek())) {
                break;
            }
            int n = 0;
            if (level == 0) {
                n = gatherLevel0(graph, pages, s, node(closest), end, fresh, 0);
                for (int w = 1; w < width && candidates.size() > 0; w++) {
                    long next = ~candidates.peek();
                    if (results.size() >= ef && score(next) < score(results.peek())) {
                        break;
                    }
                    candidates.pop();
                    n = gatherLevel0(graph, pages, s, node(next), end, fresh, n);
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
                folded ^= q.touchHead(fresh[i]);
            }
            if (level == 0) {
                // and the head of each one's neighbour list, needed if it is expanded later (hnswlib keeps a node's
                // list beside its vector, so loading one brings the other; here they live in separate pages)
                for (int i = 0; i < n; i++) {
                    int f = fresh[i];
                    folded ^= graph.level0List(pages, f)[graph.level0Base(f)];
                }
            }
            for (int i = 0; i < n; i++) {
                folded ^= q.touch(fresh[i]);
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
     * {@inheritDoc}
     *
     * <p>A rejected neighbour is not scored; its own neighbours are looked at instead, so the search still passes
     * through the rejected part of the graph without spending distance computations on it. The entry node is a
     * stepping stone whether accepted or not.
     */
    @Override
    void searchTwoHops(
            HnswGraph graph,
            GraphPages pages,
            SearchScratch s,
            VectorScorer.PreparedQuery q,
            int ef,
            OrdinalFilter filter,
            int entry) {
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
        int maxNeighbours = graph.maxConnections(0);
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

    @Override
    void offerAll(VectorScorer.PreparedQuery q, int[] nodes, int count, int keep, LongHeap top) {
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

    @Override
    void scoreAll(VectorScorer.PreparedQuery q, int[] nodes, int count, long[] out) {
        for (int i = 0; i < count; i++) {
            out[i] = encode(q.score(nodes[i]), nodes[i]);
        }
    }

    @Override
    boolean closerToAny(VectorScorer.PreparedQuery q, int[] nodes, int count, float similarity) {
        for (int i = 0; i < count; i++) {
            if (q.score(nodes[i]) > similarity) {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends to {@code fresh} from {@code n} on the level-0 neighbours of {@code node} not visited yet (marking them);
     * returns the new length.
     */
    private static int gatherLevel0(
            HnswGraph graph, GraphPages pages, SearchScratch s, int node, int end, int[] fresh, int n) {
        int[] list = graph.level0List(pages, node);
        int base = graph.level0Base(node);
        int count = graph.level0Count(list, base);
        for (int i = 1; i <= count; i++) {
            int neighbour = list[base + i];
            if (neighbour >= 0 && neighbour < end && pages.isPresent(neighbour) && s.visit(neighbour)) {
                fresh[n++] = neighbour;
            }
        }
        return n;
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
