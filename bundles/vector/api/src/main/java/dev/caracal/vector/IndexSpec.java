package dev.caracal.vector;

import java.util.Map;
import java.util.Objects;

/**
 * The index a collection asks for: a type ({@code flat}, {@code hnsw}, ...) served by an index plugin, and that
 * type's parameters (numbers, strings or booleans).
 */
public record IndexSpec(String type, Map<String, Object> params) {
    public static final String FLAT = "flat";
    public static final IndexSpec FLAT_SPEC = new IndexSpec(FLAT, Map.of());

    public IndexSpec {
        Objects.requireNonNull(type, "type");
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
