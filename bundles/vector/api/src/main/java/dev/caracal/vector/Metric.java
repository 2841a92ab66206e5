package dev.caracal.vector;

import java.util.Locale;

/**
 * How vectors are compared. Every search score is "higher is more similar": cosine similarity, the dot product, and
 * for {@code L2} the negated Euclidean distance.
 */
public enum Metric {
    COSINE, DOT, L2;

    /** The lower-case name used in JSON and on the console. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code cosine}, {@code dot} or {@code l2} (any case); throws {@link InvalidRequestException} otherwise. */
    public static Metric parse(String field, String value) {
        if (value != null) {
            for (Metric m : values()) {
                if (m.id().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
        }
        throw new InvalidRequestException(field, "unknown metric '" + value + "'; use one of cosine, dot, l2");
    }
}
