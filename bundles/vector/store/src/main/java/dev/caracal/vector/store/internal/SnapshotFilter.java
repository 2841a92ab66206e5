package dev.caracal.vector.store.internal;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The records of a snapshot that a search may return, as index plugins see them: live in the snapshot and, for a
 * filtered search, accepted by the filter; with an estimate of how many there are.
 */
final class SnapshotFilter implements OrdinalFilter {
    private final Snapshot snapshot;
    private final IntPredicate accept;
    private final int estimate;

    /**
     * @param accept   the metadata filter by ordinal, {@code null} for an unfiltered search
     * @param estimate how many live records pass; negative for every live record
     */
    SnapshotFilter(Snapshot snapshot, IntPredicate accept, int estimate) {
        this.snapshot = snapshot;
        this.accept = accept;
        this.estimate = estimate < 0 ? (int) Math.min(Integer.MAX_VALUE, snapshot.liveCount) : estimate;
    }

    @Override
    public boolean accept(int ordinal) {
        return snapshot.isLive(ordinal) && (accept == null || accept.test(ordinal));
    }

    @Override
    public int estimatedCount() {
        return estimate;
    }

    /** The first {@code k} distinct entries of {@code raw} this filter accepts, in order. */
    ScoredOrdinals firstAccepted(ScoredOrdinals raw, int k) {
        int n = Math.min(k, raw.size());
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        Set<Integer> seen = new HashSet<>();
        int kept = 0;
        for (int i = 0; i < raw.size() && kept < n; i++) {
            int o = raw.ordinals()[i];
            if (accept(o) && seen.add(o)) {
                ordinals[kept] = o;
                scores[kept] = raw.scores()[i];
                kept++;
            }
        }
        return kept == n
                ? new ScoredOrdinals(ordinals, scores)
                : new ScoredOrdinals(Arrays.copyOf(ordinals, kept), Arrays.copyOf(scores, kept));
    }

    /** Estimates how many live records of {@code s} pass {@code accept} from an even sample of ordinals. */
    static int estimate(Snapshot s, IntPredicate accept) {
        int max = s.maxOrdinal;
        if (max == 0) {
            return 0;
        }
        int samples = Math.min(max, 1024);
        int live = 0;
        int passed = 0;
        for (int i = 0; i < samples; i++) {
            int o = (int) ((long) i * max / samples);
            if (s.isLive(o)) {
                live++;
                if (accept.test(o)) {
                    passed++;
                }
            }
        }
        return live == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, s.liveCount * passed / live);
    }
}
