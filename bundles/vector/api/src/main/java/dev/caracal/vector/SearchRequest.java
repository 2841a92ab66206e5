package dev.caracal.vector;

import java.util.Map;

/**
 * A search. Give {@code vector}, or {@code text} to be embedded with the collection's model (and used for keyword
 * search in the keyword and hybrid modes). {@code filter} may be {@code null}. {@code params} holds per-query index
 * parameters ({@code ef}, {@code nprobe}, ...).
 */
public record SearchRequest(float[] vector, String text, int k, Filter filter, SearchMode mode,
                            Map<String, Object> params, boolean includeVectors) {
    public SearchRequest {
        mode = mode == null ? SearchMode.VECTOR : mode;
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    public static SearchRequest ofVector(float[] vector, int k, Filter filter) {
        return new SearchRequest(vector, null, k, filter, SearchMode.VECTOR, Map.of(), false);
    }

    public static SearchRequest ofText(String text, int k, Filter filter) {
        return new SearchRequest(null, text, k, filter, SearchMode.VECTOR, Map.of(), false);
    }
}
