package dev.caracal.vector;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A record of a collection. On write, {@code vector} may be {@code null} when {@code text} is given and the
 * collection has an embedding model. {@code metadata} is a JSON object (values: strings, numbers, booleans, lists,
 * nested maps, null).
 */
public record VectorRecord(String id, float[] vector, Map<String, Object> metadata, String text, List<Edge> edges) {
    public VectorRecord {
        Objects.requireNonNull(id, "id");
        metadata = metadata == null ? Map.of() : metadata;
        edges = edges == null ? List.of() : List.copyOf(edges);
    }

    public VectorRecord withVector(float[] newVector) {
        return new VectorRecord(id, newVector, metadata, text, edges);
    }
}
