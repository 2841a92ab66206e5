package dev.caracal.vector.store.internal;

import dev.caracal.vector.Fusion;
import dev.caracal.vector.index.ScoredOrdinals;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Merges a vector ranking and a keyword ranking into one, as a {@link Fusion} says. */
final class Fusions {
    private Fusions() {}

    /** The best {@code k} of the fused ranking; ties keep the vector ranking's order, then the keyword one's. */
    static ScoredOrdinals fuse(ScoredOrdinals vector, ScoredOrdinals keyword, Fusion fusion, int k) {
        Map<Integer, double[]> fused = new HashMap<>(); // ordinal -> {score, first position seen}
        int position = 0;
        if (fusion.method() == Fusion.Method.RRF) {
            position = addRrf(fused, vector, fusion.rrfK(), position);
            addRrf(fused, keyword, fusion.rrfK(), position);
        } else {
            position = addNormalized(fused, vector, fusion.alpha(), position);
            addNormalized(fused, keyword, 1 - fusion.alpha(), position);
        }
        Integer[] order = fused.keySet().toArray(new Integer[0]);
        Arrays.sort(order, (a, b) -> {
            double[] x = fused.get(a);
            double[] y = fused.get(b);
            int c = Double.compare(y[0], x[0]);
            return c != 0 ? c : Double.compare(x[1], y[1]);
        });
        int n = Math.min(k, order.length);
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            ordinals[i] = order[i];
            scores[i] = (float) fused.get(order[i])[0];
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    /** Adds {@code 1 / (rrfK + rank)} (rank from 1) for every entry of {@code ranking}. */
    private static int addRrf(Map<Integer, double[]> fused, ScoredOrdinals ranking, int rrfK, int position) {
        for (int i = 0; i < ranking.size(); i++) {
            double contribution = 1.0 / (rrfK + i + 1);
            int p = position++;
            fused.computeIfAbsent(ranking.ordinals()[i], o -> new double[] {0, p})[0] += contribution;
        }
        return position;
    }

    /**
     * Adds {@code weight * (score - min) / (max - min)} for every entry of {@code ranking} (min and max over the
     * ranking; every entry gets 1 when all scores are equal).
     */
    private static int addNormalized(
            Map<Integer, double[]> fused, ScoredOrdinals ranking, double weight, int position) {
        if (ranking.size() == 0) {
            return position;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float score : ranking.scores()) {
            min = Math.min(min, score);
            max = Math.max(max, score);
        }
        double range = max - min;
        for (int i = 0; i < ranking.size(); i++) {
            double normalized = range > 0 ? (ranking.scores()[i] - min) / range : 1.0;
            int p = position++;
            fused.computeIfAbsent(ranking.ordinals()[i], o -> new double[] {0, p})[0] += weight * normalized;
        }
        return position;
    }
}
