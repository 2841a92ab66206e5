package dev.caracal.vector;

import java.util.Locale;

/**
 * How vectors are compared. Every search score is "higher is more similar":
 * <ul>
 * <li>{@code COSINE}: cosine similarity (vectors are stored at unit length);</li>
 * <li>{@code DOT}: the dot product;</li>
 * <li>{@code L2}: the negated Euclidean distance;</li>
 * <li>{@code MANHATTAN}: the negated sum of absolute differences (L1);</li>
 * <li>{@code HAMMING}: for binary vectors (every component 0 or 1), the negated number of differing components;</li>
 * <li>{@code JACCARD}: for non-negative vectors, the weighted Jaccard similarity sum(min)/sum(max) (the set Jaccard
 * index when components are 0 or 1); 0 when both vectors are all zeros.</li>
 * </ul>
 * Index plugins say which metrics they serve ({@link dev.caracal.vector.index.VectorIndexFactory#supports}); the exact
 * scan serves all of them.
 */
public enum Metric {
    COSINE,
    DOT,
    L2,
    MANHATTAN,
    HAMMING,
    JACCARD;

    /** The lower-case name used in JSON and on the console. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a metric id (any case); throws {@link InvalidRequestException} otherwise. */
    public static Metric parse(String field, String value) {
        if (value != null) {
            for (Metric m : values()) {
                if (m.id().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
        }
        throw new InvalidRequestException(field, "unknown metric '" + value + "'; use one of " + names());
    }

    /** The metric ids, comma-separated, for error messages. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        for (Metric m : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(m.id());
        }
        return b.toString();
    }
}
