package dev.caracal.vector;

import java.util.Map;

/**
 * A search. Give {@code vector}, or {@code text} to be embedded with the collection's model (and used for keyword
 * search in the keyword and hybrid modes). {@code filter} may be {@code null}. {@code params} holds per-query index
 * parameters ({@code ef}, {@code nprobe}, ...). {@code KEYWORD} ranks by BM25 over {@code text}; {@code HYBRID} fuses
 * the vector ranking (of {@code vector}, or of {@code text} embedded) with the keyword ranking of {@code text} as
 * {@code fusion} says ({@link Fusion#DEFAULT} when {@code null}).
 */
public record SearchRequest(
        float[] vector,
        String text,
        int k,
        Filter filter,
        SearchMode mode,
        Map<String, Object> params,
        boolean includeVectors,
        Fusion fusion) {
    public SearchRequest {
        mode = mode == null ? SearchMode.VECTOR : mode;
        params = params == null ? Map.of() : Map.copyOf(params);
        fusion = fusion == null ? Fusion.DEFAULT : fusion;
    }

    public SearchRequest(
            float[] vector,
            String text,
            int k,
            Filter filter,
            SearchMode mode,
            Map<String, Object> params,
            boolean includeVectors) {
        this(vector, text, k, filter, mode, params, includeVectors, null);
    }

    public static SearchRequest ofVector(float[] vector, int k, Filter filter) {
        return new SearchRequest(vector, null, k, filter, SearchMode.VECTOR, Map.of(), false);
    }

    public static SearchRequest ofText(String text, int k, Filter filter) {
        return new SearchRequest(null, text, k, filter, SearchMode.VECTOR, Map.of(), false);
    }

    public static SearchRequest keyword(String text, int k, Filter filter) {
        return new SearchRequest(null, text, k, filter, SearchMode.KEYWORD, Map.of(), false);
    }

    public static SearchRequest hybrid(String text, int k, Filter filter, Fusion fusion) {
        return new SearchRequest(null, text, k, filter, SearchMode.HYBRID, Map.of(), false, fusion);
    }
}
