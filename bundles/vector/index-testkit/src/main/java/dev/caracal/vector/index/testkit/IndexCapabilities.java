package dev.caracal.vector.index.testkit;

import dev.caracal.vector.Metric;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an index plugin declares about itself for {@link IndexConformanceTest}: the metrics it serves, the recall@10
 * it reaches on the conformance data (1 for an exact index), whether it persists itself, and whether it deletes and
 * filters natively. The conformance cases hold it to what it declares and skip, with the reason, what it declares it
 * does not do. Made with {@link #exact} or {@link #approximate}, then {@link Builder#build()}.
 *
 * @param metrics          the metrics an index of the tested build parameters serves
 * @param reportedMetrics  the metrics the factory's {@code supports} reports: {@code metrics}, plus those only other
 *                         build parameters serve (an index of the tested ones refuses them when it opens)
 * @param exact            whether every answer is the exact top k
 * @param recall           the least mean recall@10 on the conformance data, for every metric it serves
 * @param filteredRecall   the least mean recall@10 of filtered searches, by the percentage the filter accepts; a
 *                         percentage not in it uses {@code recall}
 * @param persists         whether {@code persist(covered)} writes a state that a later open reloads
 * @param nativeDeletes    whether {@code remove} takes an ordinal out of the answers
 * @param nativeFilters    whether searches honour the filter themselves (otherwise the store filters the answers)
 */
public record IndexCapabilities(
        Set<Metric> metrics,
        Set<Metric> reportedMetrics,
        boolean exact,
        double recall,
        Map<Integer, Double> filteredRecall,
        boolean persists,
        boolean nativeDeletes,
        boolean nativeFilters) {

    public IndexCapabilities {
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("an index serves at least one metric");
        }
        if (!reportedMetrics.containsAll(metrics)) {
            throw new IllegalArgumentException("the factory must report every metric the index serves");
        }
        if (!(recall > 0 && recall <= 1)) {
            throw new IllegalArgumentException("recall must be in (0, 1], got " + recall);
        }
        metrics = Set.copyOf(metrics);
        reportedMetrics = Set.copyOf(reportedMetrics);
        filteredRecall = Map.copyOf(filteredRecall);
    }

    /** An exact index (recall 1) serving {@code metrics}, deleting and filtering natively, not persisting. */
    public static Builder exact(Metric first, Metric... more) {
        return new Builder(true, 1.0, EnumSet.of(first, more));
    }

    /** An approximate index reaching {@code recall} on every metric it serves, deleting and filtering natively. */
    public static Builder approximate(double recall, Metric first, Metric... more) {
        return new Builder(false, recall, EnumSet.of(first, more));
    }

    public boolean serves(Metric metric) {
        return metrics.contains(metric);
    }

    /** The least mean recall@10 of searches whose filter accepts {@code percent}% of the vectors. */
    public double filteredRecall(int percent) {
        return filteredRecall.getOrDefault(percent, recall);
    }

    /** Declarations beyond the metrics and the recall. */
    public static final class Builder {
        private final boolean exact;
        private final double recall;
        private final Set<Metric> metrics;
        private final Set<Metric> reported;
        private final Map<Integer, Double> filteredRecall = new HashMap<>();
        private boolean persists;
        private boolean nativeDeletes = true;
        private boolean nativeFilters = true;

        private Builder(boolean exact, double recall, Set<Metric> metrics) {
            this.exact = exact;
            this.recall = recall;
            this.metrics = metrics;
            this.reported = EnumSet.copyOf(metrics);
        }

        /** The index persists itself and reloads what it persisted. */
        public Builder persistent() {
            persists = true;
            return this;
        }

        /** The factory also reports {@code others}, which only other build parameters serve. */
        public Builder alsoReported(Metric first, Metric... others) {
            reported.addAll(EnumSet.of(first, others));
            return this;
        }

        /** The least recall of searches whose filter accepts {@code percent}% of the vectors. */
        public Builder withFilteredRecall(int percent, double least) {
            filteredRecall.put(percent, least);
            return this;
        }

        /** The index keeps removed ordinals in its answers (the store would have to filter them out). */
        public Builder withoutNativeDeletes() {
            nativeDeletes = false;
            return this;
        }

        /** The index ignores filters (the store would have to filter its answers). */
        public Builder withoutNativeFilters() {
            nativeFilters = false;
            return this;
        }

        public IndexCapabilities build() {
            return new IndexCapabilities(
                    metrics, reported, exact, recall, filteredRecall, persists, nativeDeletes, nativeFilters);
        }
    }
}
