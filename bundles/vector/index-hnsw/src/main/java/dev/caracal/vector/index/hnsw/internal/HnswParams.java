package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The build parameters of an hnsw index: {@code m} neighbours per node on the upper levels (2m on level 0),
 * {@code efConstruction} candidates while inserting, {@code ef}, the default candidates while searching, and
 * {@code quantization}: {@code none} (the index keeps a float copy of every vector) or {@code int8} (it keeps one byte
 * per dimension, navigates with those codes and re-ranks the best candidates with the store's full vectors).
 */
record HnswParams(int m, int efConstruction, int ef, String quantization) {
    static final int DEFAULT_M = 16;
    static final int DEFAULT_EF_CONSTRUCTION = 200;
    static final int DEFAULT_EF = 100;
    static final int MAX_EF = 10_000;
    static final String QUANTIZATION_NONE = "none";
    static final String QUANTIZATION_INT8 = "int8";
    /** int8 only: how many candidates per result are re-ranked with full-precision vectors, by default ... */
    static final double DEFAULT_RERANK = 3;
    /** ... and at most (larger values are clamped to this). */
    static final double MAX_RERANK = 20;
    /** Where build parameter errors point: {@code index.<name>}. */
    static final String BUILD_FIELD_PREFIX = "index.";

    static final String QUERY_FIELD_PREFIX = "params.";

    /** Validates build parameters (numbers may arrive as Long, Integer or Double) and fills in defaults. */
    static HnswParams parse(Map<String, Object> params) {
        Map<String, Object> p = params == null ? Map.of() : params;
        for (String name : p.keySet()) {
            if (!name.equals("m")
                    && !name.equals("efConstruction")
                    && !name.equals("ef")
                    && !name.equals("quantization")) {
                throw new InvalidRequestException(
                        BUILD_FIELD_PREFIX + name,
                        "unknown parameter '" + name + "'; hnsw takes m, efConstruction, ef, quantization");
            }
        }
        int m = integer(p, "m", DEFAULT_M, 4, 128, BUILD_FIELD_PREFIX);
        int efc = integer(p, "efConstruction", Math.max(DEFAULT_EF_CONSTRUCTION, m), m, 4096, BUILD_FIELD_PREFIX);
        int ef = integer(p, "ef", DEFAULT_EF, 1, MAX_EF, BUILD_FIELD_PREFIX);
        Object q = p.get("quantization");
        String quantization = QUANTIZATION_NONE;
        if (q != null) {
            String v = q instanceof String str ? str.trim().toLowerCase(java.util.Locale.ROOT) : null;
            if (!QUANTIZATION_NONE.equals(v) && !QUANTIZATION_INT8.equals(v)) {
                throw new InvalidRequestException(
                        BUILD_FIELD_PREFIX + "quantization", "quantization must be 'none' or 'int8', got '" + q + "'");
            }
            quantization = v;
        }
        return new HnswParams(m, efc, ef, quantization);
    }

    boolean int8() {
        return QUANTIZATION_INT8.equals(quantization);
    }

    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("m", m);
        out.put("efConstruction", efConstruction);
        out.put("ef", ef);
        out.put("quantization", quantization);
        return out;
    }

    /**
     * The build parameters as one string ({@code name=value,...} in a fixed order), stored with a persisted graph: a
     * graph is reloaded only by an index with the same fingerprint.
     */
    String fingerprint() {
        StringBuilder b = new StringBuilder();
        toMap().forEach((k, v) ->
                b.append(b.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return b.toString();
    }

    /**
     * Validates per-query parameters: {@code ef}, an integer from 1 to 10000, and {@code rerank}, the oversampling
     * factor of int8 indexes (a number of at least 1; above {@value #MAX_RERANK} it is clamped; float indexes ignore
     * it).
     */
    static Map<String, Object> parseQuery(Map<String, Object> params) {
        if (params == null || params.isEmpty()) {
            return Map.of();
        }
        for (String name : params.keySet()) {
            if (!name.equals("ef") && !name.equals("rerank")) {
                throw new InvalidRequestException(
                        QUERY_FIELD_PREFIX + name, "unknown query parameter '" + name + "'; hnsw takes ef, rerank");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (params.containsKey("ef")) {
            out.put("ef", integer(params, "ef", DEFAULT_EF, 1, MAX_EF, QUERY_FIELD_PREFIX));
        }
        if (params.containsKey("rerank")) {
            out.put("rerank", rerank(params.get("rerank")));
        }
        return out;
    }

    private static double rerank(Object v) {
        String field = QUERY_FIELD_PREFIX + "rerank";
        String expectation = "rerank must be a number of at least 1 (candidates re-ranked per result, at most "
                + (int) MAX_RERANK + "), got ";
        if (!(v instanceof Number n)) {
            throw new InvalidRequestException(field, expectation + "'" + v + "'");
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || d < 1) {
            throw new InvalidRequestException(field, expectation + v);
        }
        return Math.min(d, MAX_RERANK);
    }

    private static int integer(Map<String, Object> p, String name, int dflt, int min, int max, String prefix) {
        Object v = p.get(name);
        if (v == null) {
            return dflt;
        }
        String expectation = name + " must be an integer from " + min + " to " + max + ", got ";
        if (!(v instanceof Number n)) {
            throw new InvalidRequestException(prefix + name, expectation + "'" + v + "'");
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || d != Math.rint(d)) {
            throw new InvalidRequestException(prefix + name, expectation + v);
        }
        if (d < min || d > max) {
            throw new InvalidRequestException(prefix + name, expectation + (long) d);
        }
        return (int) d;
    }
}
