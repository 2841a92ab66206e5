package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.math.Scores;
import dev.caracal.vector.math.TopK;
import dev.caracal.vector.math.VectorMath;
import java.util.Map;

/**
 * Searches one {@link IvfLayout}: an untrained layout by an exact scan of its single list; a selective filter by an
 * exact scan of its matches read from the {@link VectorSource}; otherwise by probing the lists nearest the query
 * ({@link ProbeOrder}), more of them when a filter passes only a fraction of the vectors, and for ivf-pq re-ranking
 * the best PQ candidates on their full vectors.
 *
 * <p>ivf-pq ranks codes with one lookup table per query ({@link ProductQuantizer#dotTable}); for L2 each entry also
 * carries the query-independent part of its distance (see {@link InvertedList}), so probing a list costs only the
 * scan of its codes.
 *
 * <p>Scores are those of {@link IvfScoring}. For L2 the scans rank by negated squared distance and {@link #drain}
 * reports the negated distance. Stateless between searches; any number of threads may search at once.
 */
final class IvfSearcher {
    /** A filter accepting fewer than this many, or this fraction, is answered by an exact scan of its matches. */
    static final int EXACT_SCAN_MAX = 1000;

    static final double EXACT_SCAN_FRACTION = 0.03;

    private final VectorSource source;
    private final IvfScoring scoring;
    private final boolean l2;
    private final boolean usePq;
    private final int dim;
    private final int pqM;
    private final IvfParams.Build build;
    private final VectorMath kernels;

    IvfSearcher(VectorSource source, IvfScoring scoring, int dim, int pqM, IvfParams.Build build, VectorMath kernels) {
        this.source = source;
        this.scoring = scoring;
        this.l2 = scoring == IvfScoring.L2;
        this.usePq = pqM > 0;
        this.dim = dim;
        this.pqM = pqM;
        this.build = build;
        this.kernels = kernels;
    }

    /**
     * The {@code k} best of {@code l} ({@code k > 0}) for a query of the right dimension; {@code live} is the layout's
     * size as the caller read it (not zero).
     */
    ScoredOrdinals search(
            IvfLayout l, int live, float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
        if (l.exact) {
            TopK top = new TopK(k);
            scanFloats(l.lists[0], query, filter, top);
            return drain(top, l2);
        }
        int estimate = filter == null ? live : Math.max(0, filter.estimatedCount());
        if (estimate < live && (estimate < EXACT_SCAN_MAX || estimate < EXACT_SCAN_FRACTION * live)) {
            return exactScan(l, query, k, filter);
        }
        int nprobe = params != null && params.get("nprobe") instanceof Number p
                ? p.intValue()
                : (build.nprobe() > 0 ? build.nprobe() : IvfParams.autoNprobe(l.nlist));
        if (estimate < live) {
            // a filter passing a fraction f of the vectors: probe about 1/sqrt(f) times more lists
            double f = Math.max(1e-6, (double) estimate / live);
            nprobe = (int) Math.min(l.nlist, Math.ceil(nprobe / Math.sqrt(f)));
        }
        nprobe = Math.max(1, Math.min(nprobe, l.nlist));
        ProbeOrder order = new ProbeOrder(l, query, nprobe, kernels);
        int candidates = usePq ? rerankCount(k, params) : k;
        TopK top = new TopK(candidates);
        float[] table = null;
        if (usePq) {
            // one lookup table per query: inner products with every codeword (doubled for L2, see dotTable)
            table = new float[pqM * ProductQuantizer.KSUB];
            l.pq.dotTable(query, table, l2 ? 2f : 1f);
        }
        for (int i = 0; i < l.nlist; i++) {
            if (i >= nprobe && top.size() >= k) {
                break; // probed enough; otherwise keep probing until k candidates pass the filter
            }
            int list = order.list(i);
            if (!usePq) {
                scanFloats(l.lists[list], query, filter, top);
            } else if (l2) {
                // -|q - c - r|^2 = -|q - c|^2 - (|r|^2 + 2<c, r>) + 2<q, r>
                scanCodes(l.lists[list], table, -order.distance(i), filter, top);
            } else {
                scanCodes(l.lists[list], table, kernels.dot(query, 0, l.centroids, list * dim, dim), filter, top);
            }
        }
        if (!usePq) {
            return drain(top, l2);
        }
        int[] found = top.ordinals();
        TopK best = new TopK(k);
        float[] v = new float[dim];
        for (int o : found) {
            if (IvfLayoutBuilder.readVector(source, o, v)) {
                best.offer(o, exactScore(query, v, 0));
            }
        }
        return drain(best, l2);
    }

    /** Drains {@code top} best first; {@code l2}: the scores are negated squared distances, reported as -distance. */
    static ScoredOrdinals drain(TopK top, boolean l2) {
        int n = top.size();
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        top.drainSorted(ordinals, scores);
        if (l2) {
            Scores.negatedSquaredToNegatedDistance(scores, n);
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    /** Candidates re-ranked on full vectors: rerank*k, at least 32 (and k), at most max(k, 1000). */
    int rerankCount(int k, Map<String, Object> params) {
        int multiplier = params != null && params.get("rerank") instanceof Number r ? r.intValue() : build.rerank();
        long wanted = Math.max(32L, (long) multiplier * k);
        return (int) Math.max(k, Math.min(wanted, Math.max(k, IvfParams.MAX_RERANK)));
    }

    /** The score of a full vector, higher is better; for L2 the negated squared distance (see #drain). */
    private float exactScore(float[] query, float[] v, int off) {
        return switch (scoring) {
            case L2 -> -kernels.squareDistance(query, 0, v, off, dim);
            case L1 -> -kernels.manhattan(query, 0, v, off, dim);
            case INNER -> kernels.dot(query, 0, v, off, dim);
        };
    }

    private void scanFloats(InvertedList list, float[] query, OrdinalFilter filter, TopK top) {
        list.lock.readLock().lock();
        try {
            int n = list.size;
            int[] ordinals = list.ordinals;
            float[] vectors = list.vectors;
            boolean anyDead = list.deadCount > 0;
            float threshold = top.threshold();
            for (int i = 0; i < n; i++) {
                float score = exactScore(query, vectors, i * dim);
                if (score > threshold
                        && !(anyDead && list.isDead(i))
                        && (filter == null || filter.accept(ordinals[i]))) {
                    top.offer(ordinals[i], score);
                    threshold = top.threshold();
                }
            }
        } finally {
            list.lock.readLock().unlock();
        }
    }

    /**
     * Scores the PQ codes of a list: {@code base + sum over sub-spaces of table[s][code_s]}, minus the entry's stored
     * term when the list has them (L2); four independent accumulators so the loads pipeline.
     */
    static void scanCodes(InvertedList list, float[] table, float base, OrdinalFilter filter, TopK top) {
        list.lock.readLock().lock();
        try {
            final int n = list.size;
            final int m = list.width;
            final int m4 = m & ~3;
            final int[] ordinals = list.ordinals;
            final byte[] codes = list.codes;
            final float[] terms = list.terms;
            final boolean anyDead = list.deadCount > 0;
            float threshold = top.threshold();
            for (int i = 0, off = 0; i < n; i++, off += m) {
                float a0 = 0;
                float a1 = 0;
                float a2 = 0;
                float a3 = 0;
                int s = 0;
                for (; s < m4; s += 4) {
                    int t = s << 8;
                    a0 += table[t | (codes[off + s] & 0xff)];
                    a1 += table[(t + 256) | (codes[off + s + 1] & 0xff)];
                    a2 += table[(t + 512) | (codes[off + s + 2] & 0xff)];
                    a3 += table[(t + 768) | (codes[off + s + 3] & 0xff)];
                }
                for (; s < m; s++) {
                    a0 += table[(s << 8) | (codes[off + s] & 0xff)];
                }
                float score = base + ((a0 + a1) + (a2 + a3));
                if (terms != null) {
                    score -= terms[i];
                }
                if (score > threshold
                        && !(anyDead && list.isDead(i))
                        && (filter == null || filter.accept(ordinals[i]))) {
                    top.offer(ordinals[i], score);
                    threshold = top.threshold();
                }
            }
        } finally {
            list.lock.readLock().unlock();
        }
    }

    /** A selective filter: score exactly the few accepted ordinals, reading their vectors from the source. */
    private ScoredOrdinals exactScan(IvfLayout l, float[] query, int k, OrdinalFilter filter) {
        TopK top = new TopK(k);
        float[] v = new float[dim];
        int limit = Math.min(l.ordinalLimit(), Math.max(0, source.maxOrdinal()));
        for (int o = 0; o < limit; o++) {
            if (l.isPresent(o) && filter.accept(o) && IvfLayoutBuilder.readVector(source, o, v)) {
                top.offer(o, exactScore(query, v, 0));
            }
        }
        return drain(top, l2);
    }
}
