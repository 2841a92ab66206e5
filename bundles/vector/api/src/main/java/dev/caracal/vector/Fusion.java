package dev.caracal.vector;

/**
 * How a hybrid search merges its vector and keyword rankings.
 *
 * <ul>
 * <li>{@link Method#RRF reciprocal rank fusion}: each hit scores {@code sum 1/(rrfK + rank)} over the rankings it is in
 * (rank from 1); robust to the two scores' different scales.</li>
 * <li>{@link Method#WEIGHTED weighted score fusion}: each ranking's scores are min-max normalized to [0,1] over its
 * candidates (a hit missing from a ranking gets 0 there), then {@code alpha * vector + (1 - alpha) * keyword}.</li>
 * </ul>
 * {@code candidates} is how many hits each ranking contributes before fusion (at least {@code k}).
 */
public record Fusion(Method method, double alpha, int rrfK, int candidates) {
    public static final int DEFAULT_RRF_K = 60;
    public static final double DEFAULT_ALPHA = 0.5;
    /** {@code candidates} 0 means: chosen by the store from {@code k}. */
    public static final Fusion DEFAULT = new Fusion(Method.RRF, DEFAULT_ALPHA, DEFAULT_RRF_K, 0);

    public enum Method {
        RRF,
        WEIGHTED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Fusion {
        if (method == null) {
            throw new InvalidRequestException("fusion.method", "a fusion method is required: rrf or weighted");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new InvalidRequestException("fusion.alpha", "alpha must be between 0 and 1; got " + alpha);
        }
        if (rrfK < 1 || rrfK > 10_000) {
            throw new InvalidRequestException("fusion.rrf_k", "rrf_k must be between 1 and 10000; got " + rrfK);
        }
        if (candidates < 0) {
            throw new InvalidRequestException(
                    "fusion.candidates", "candidates must not be negative; got " + candidates);
        }
    }
}
