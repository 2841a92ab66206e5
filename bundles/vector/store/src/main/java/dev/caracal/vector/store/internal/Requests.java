package dev.caracal.vector.store.internal;

import dev.caracal.vector.Edge;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import java.util.regex.Pattern;

/** Validation of names, ids and vectors shared by the store's operations; every failure names its field. */
final class Requests {
    static final Pattern COLLECTION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    static final int MAX_DIMENSION = 65_536;

    private Requests() {}

    static String collectionName(String name, String field) {
        if (name == null || !COLLECTION_NAME.matcher(name).matches()) {
            throw new InvalidRequestException(
                    field,
                    "invalid collection name '" + name + "': use 1 to 64 letters, "
                            + "digits, '_', '.' or '-', starting with a letter or digit");
        }
        return name;
    }

    static boolean isCollectionName(String name) {
        return name != null && COLLECTION_NAME.matcher(name).matches();
    }

    static void id(String id, String field, int maxLength) {
        if (id == null || id.isEmpty()) {
            throw new InvalidRequestException(field, "an id must be a non-empty string");
        }
        if (id.length() > maxLength) {
            throw new InvalidRequestException(
                    field, "an id may have at most " + maxLength + " characters; this one has " + id.length());
        }
    }

    /**
     * Checks length and finiteness, and what the metric needs: a non-zero vector for cosine, components 0 or 1 for
     * hamming, non-negative components for jaccard.
     */
    static void vector(float[] vector, int dimension, Metric metric, String field) {
        if (vector.length != dimension) {
            throw new InvalidRequestException(field, "expected " + dimension + " dimensions, got " + vector.length);
        }
        boolean nonZero = false;
        for (int i = 0; i < vector.length; i++) {
            float x = vector[i];
            if (!Float.isFinite(x)) {
                throw new InvalidRequestException(field, "element " + i + " is " + x + "; vectors must be finite");
            }
            if (metric == Metric.HAMMING && x != 0f && x != 1f) {
                throw new InvalidRequestException(
                        field,
                        "element " + i + " is " + x
                                + "; hamming compares binary vectors, every element must be 0 or 1");
            }
            if (metric == Metric.JACCARD && x < 0f) {
                throw new InvalidRequestException(
                        field, "element " + i + " is " + x + "; jaccard compares non-negative vectors");
            }
            nonZero |= x != 0f;
        }
        if (metric == Metric.COSINE && !nonZero) {
            throw new InvalidRequestException(field, "a zero vector has no direction; cosine needs a non-zero vector");
        }
    }

    static void edge(Edge edge, String field, int maxIdLength) {
        if (edge == null) {
            throw new InvalidRequestException(field, "an edge must not be null");
        }
        id(edge.target(), field + ".target", maxIdLength);
        if (edge.type().isEmpty() || edge.type().length() > 128) {
            throw new InvalidRequestException(field + ".type", "an edge type has 1 to 128 characters");
        }
        if (!Double.isFinite(edge.weight())) {
            throw new InvalidRequestException(field + ".weight", "an edge weight must be a finite number");
        }
    }
}
