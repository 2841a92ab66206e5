package dev.caracal.vector.math;

/**
 * Conversions of the scores that heaps rank by into the scores that searches report. Heaps rank L2 candidates by the
 * negated squared distance (no square root per candidate); the root is taken for the final {@code k} only.
 */
public final class Scores {
    private Scores() {}

    /** In place over {@code scores[0..n)}: negated squared distances to negated distances, {@code -sqrt(-s)}. */
    public static void negatedSquaredToNegatedDistance(float[] scores, int n) {
        for (int i = 0; i < n; i++) {
            scores[i] = (float) -Math.sqrt(Math.max(0f, -scores[i]));
        }
    }

    /**
     * In place over {@code scores[0..n)}: negated squared distances between unit vectors to their cosine similarity,
     * {@code 1 - d^2 / 2}.
     */
    public static void negatedSquaredToCosine(float[] scores, int n) {
        for (int i = 0; i < n; i++) {
            scores[i] = 1f + scores[i] / 2f;
        }
    }
}
