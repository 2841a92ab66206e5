package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The build parameters of an hnsw index: {@code m} neighbours per node on the upper levels (2m on level 0),
 * {@code efConstruction} candidates while inserting, and {@code ef}, the default candidates while searching.
 */
record HnswParams(int m, int efConstruction, int ef) {
    static final int DEFAULT_M = 16;
    static final int DEFAULT_EF_CONSTRUCTION = 200;
    static final int DEFAULT_EF = 100;
    static final int MAX_EF = 10_000;
    /** Where build parameter errors point: {@code index.<name>}. */
    static final String BUILD_FIELD_PREFIX = "index.";
    static final String QUERY_FIELD_PREFIX = "params.";

    /** Validates build parameters (numbers may arrive as Long, Integer or Double) and fills in defaults. */
    static HnswParams parse(Map<String, Object> params) {
        Map<String, Object> p = params == null ? Map.of() : params;
        for (String name : p.keySet()) {
            if (!name.equals("m") && !name.equals("efConstruction") && !name.equals("ef")) {
                throw new InvalidRequestException(BUILD_FIELD_PREFIX + name,
                        "unknown parameter '" + name + "'; hnsw takes m, efConstruction, ef");
            }
        }
        int m = integer(p, "m", DEFAULT_M, 4, 128, BUILD_FIELD_PREFIX);
        int efc = integer(p, "efConstruction", Math.max(DEFAULT_EF_CONSTRUCTION, m), m, 4096, BUILD_FIELD_PREFIX);
        int ef = integer(p, "ef", DEFAULT_EF, 1, MAX_EF, BUILD_FIELD_PREFIX);
        return new HnswParams(m, efc, ef);
    }

    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("m", m);
        out.put("efConstruction", efConstruction);
        out.put("ef", ef);
        return out;
    }

    /** Validates per-query parameters: only {@code ef}, an integer from 1 to 10000. */
    static Map<String, Object> parseQuery(Map<String, Object> params) {
        if (params == null || params.isEmpty()) {
            return Map.of();
        }
        for (String name : params.keySet()) {
            if (!name.equals("ef")) {
                throw new InvalidRequestException(QUERY_FIELD_PREFIX + name,
                        "unknown query parameter '" + name + "'; hnsw takes ef");
            }
        }
        return Map.of("ef", integer(params, "ef", DEFAULT_EF, 1, MAX_EF, QUERY_FIELD_PREFIX));
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
