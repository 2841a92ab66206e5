package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.index.OrdinalFilter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loops that walk the graph and score nodes (greedy descent, beam search, two-hop filtered search, batches of an
 * exact scan, the builder's scoring of a neighbour list and its diversity test), with one copy of their compiled code
 * per {@link VectorScorer.PreparedQuery} class.
 *
 * <p>Why copies: the JIT profiles a call site per method, not per caller. A JVM holding a float L2 index beside an
 * int8 one (or a cosine one) runs one search loop for all of them, so the loop's {@code q.score} and {@code q.touch}
 * call sites see two or three query classes; with two C2 inlines both kernels and runs out of its node budget, with
 * three it inlines neither. Measured: an int8 index beside cost the float search 5.7% at recall 0.95, an int8 and a
 * cosine index beside it 12% ({@code hnsw-ab.sh --beside}, docs/benchmarks.md). Each query class therefore gets its
 * own copy of {@link TraversalLoops}, defined as a hidden class from that class's own bytecode: separate methods,
 * separate profiles, every kernel call site monomorphic whatever else the JVM holds, and one source.
 *
 * <p>A query class's copy is made the first time a query of it is made ({@link #of}); if the bytecode cannot be read
 * or defined (a class loader that does not serve class files as resources), every query class shares {@link
 * TraversalLoops} itself, which is the same code with a shared profile.
 */
abstract class Traversal {
    private static final Logger LOG = LoggerFactory.getLogger(Traversal.class);
    private static final Traversal SHARED = new TraversalLoops();

    private static final ClassValue<Traversal> COPIES = new ClassValue<>() {
        @Override
        protected Traversal computeValue(Class<?> queryClass) {
            return copy();
        }
    };

    /** The copy of the loops for queries of {@code queryClass}. */
    static Traversal of(Class<? extends VectorScorer.PreparedQuery> queryClass) {
        return COPIES.get(queryClass);
    }

    /** A new copy of {@link TraversalLoops}: a hidden class of the same bytecode, or the shared one if that fails. */
    static Traversal copy() {
        try (InputStream in =
                TraversalLoops.class.getResourceAsStream(TraversalLoops.class.getSimpleName() + ".class")) {
            if (in == null) {
                return shared("its class file is not a resource of " + TraversalLoops.class.getClassLoader());
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(in.readAllBytes(), true);
            return (Traversal) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (IOException | RuntimeException | LinkageError e) {
            return shared(e.toString());
        } catch (Throwable e) {
            throw new IllegalStateException("cannot make the search loops' copy", e);
        }
    }

    private static Traversal shared(String why) {
        LOG.warn(
                "hnsw: the search loops are shared by every kind of index ({}); searches of one kind may run slower"
                        + " while the JVM holds another",
                why);
        return SHARED;
    }

    /**
     * Greedy descent from {@code node} at {@code fromLevel} to {@code targetLevel + 1}; returns the closest found with
     * its similarity to {@code q} ({@link ScoredNode#encode}), the entry {@link #searchLevel} takes.
     */
    abstract long greedy(
            HnswGraph graph,
            GraphPages pages,
            SearchScratch s,
            VectorScorer.PreparedQuery q,
            int node,
            int fromLevel,
            int targetLevel);

    /**
     * Beam search on one level from the {@code entryCount} nodes in {@code entries}, each encoded with its similarity
     * to {@code q} ({@link ScoredNode#encode}: what {@link #greedy} returns, or the results of the level above);
     * leaves in {@code s.results} the {@code ef} best nodes that are not tombstoned, {@code filter} accepts (if given)
     * and are not {@code exclude}; every node is a stepping stone. On level 0 each step expands up to {@code width}
     * candidates together (the closest, and the next ones while they could still improve the results), so that the
     * vectors of all their new neighbours are fetched at once; 1 is the classic beam search, one candidate a step.
     */
    abstract void searchLevel(
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
            int width);

    /**
     * Beam search on level 0 for a selective filter: only accepted nodes are scored and queued; a rejected neighbour's
     * own neighbours are looked at instead (two hops). Leaves the {@code ef} best in {@code s.results}.
     */
    abstract void searchTwoHops(
            HnswGraph graph,
            GraphPages pages,
            SearchScratch s,
            VectorScorer.PreparedQuery q,
            int ef,
            OrdinalFilter filter,
            int entry);

    /** Scores {@code nodes} in order, keeping the best {@code keep} of everything scored in {@code top}. */
    abstract void offerAll(VectorScorer.PreparedQuery q, int[] nodes, int count, int keep, LongHeap top);

    /** {@code out[i]} = node {@code i} of {@code nodes} encoded with its similarity to {@code q}, for the first {@code count}. */
    abstract void scoreAll(VectorScorer.PreparedQuery q, int[] nodes, int count, long[] out);

    /**
     * Whether any of the first {@code count} of {@code nodes} is closer to {@code q} than {@code similarity}: the
     * diversity heuristic's test of a candidate neighbour ({@code q}) against the neighbours kept so far.
     */
    abstract boolean closerToAny(VectorScorer.PreparedQuery q, int[] nodes, int count, float similarity);
}
