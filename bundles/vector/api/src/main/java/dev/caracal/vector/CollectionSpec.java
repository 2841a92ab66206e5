package dev.caracal.vector;

import java.util.Objects;

/**
 * What a collection is: its name, vector dimension, metric, the embedding model that turns text into vectors
 * ({@code null} when records always carry vectors) and its index.
 */
public record CollectionSpec(String name, int dimension, Metric metric, String embeddingModel, IndexSpec index) {
    public CollectionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        index = index == null ? IndexSpec.FLAT_SPEC : index;
    }
}
