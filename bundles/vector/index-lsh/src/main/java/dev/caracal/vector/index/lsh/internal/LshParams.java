package dev.caracal.vector.index.lsh.internal;

import dev.caracal.vector.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Build and query parameters of the {@code lsh} index type.
 *
 * <p>Build parameters: {@code tables} (L hash tables, 1..64, default {@value #DEFAULT_TABLES}); {@code bits} (hash
 * functions per table, 4..32, or {@code "auto"}: for cosine and dot one random hyperplane per bit, chosen from the
 * data size between 12 and 16; for l2 p-stable projections, chosen from the data size between 4 and 10);
 * {@code width} (l2 bucket width, a number > 0, or {@code "auto"}: a multiple of the typical distance to the 10th
 * nearest neighbour in a sample; ignored for cosine and dot). The random projections use a fixed seed.
 *
 * <p>Query parameters: {@code probes} (0..64; extra buckets visited per table, the neighbours at Hamming distance 1
 * for cosine or the adjacent bucket on one projection for l2, closest to the query's boundary first; default
 * {@value #DEFAULT_PROBES}; values above 64 are clamped).
 */
final class LshParams {
    static final String AUTO = "auto";
    static final int DEFAULT_TABLES = 8;
    static final int MAX_TABLES = 64;
    static final int MIN_BITS = 4;
    static final int MAX_BITS = 32;
    static final int DEFAULT_PROBES = 8;
    static final int MAX_PROBES = 64;

    /** Parsed build parameters; 0 means automatic. */
    record Build(int tables, int bits, double width) {}

    private LshParams() {}

    static Map<String, Object> validateBuild(Map<String, Object> params) {
        Map<String, Object> in = params == null ? Map.of() : params;
        for (String name : in.keySet()) {
            if (!name.equals("tables") && !name.equals("bits") && !name.equals("width")) {
                throw new InvalidRequestException(
                        "index." + name, "unknown parameter '" + name + "'; lsh takes tables, bits, width");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Object t = in.get("tables");
        out.put("tables", t == null ? DEFAULT_TABLES : integer(t, "index.tables", 1, MAX_TABLES, false));
        Object b = in.get("bits");
        out.put("bits", isAuto(b) ? AUTO : integer(b, "index.bits", MIN_BITS, MAX_BITS, false));
        Object w = in.get("width");
        if (isAuto(w)) {
            out.put("width", AUTO);
        } else {
            if (!(w instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
                throw new InvalidRequestException(
                        "index.width", "width must be a number > 0 or \"auto\"; got '" + w + "'");
            }
            out.put("width", n.doubleValue());
        }
        return out;
    }

    static Build parseBuild(Map<String, Object> params) {
        Map<String, Object> p = validateBuild(params);
        return new Build(
                ((Number) p.get("tables")).intValue(),
                p.get("bits") instanceof Number n ? n.intValue() : 0,
                p.get("width") instanceof Number n ? n.doubleValue() : 0);
    }

    static Map<String, Object> validateQuery(Map<String, Object> params) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (params == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (e.getKey().equals("probes")) {
                out.put("probes", integer(e.getValue(), "params.probes", 0, MAX_PROBES, true));
            } else {
                throw new InvalidRequestException(
                        "params." + e.getKey(), "unknown parameter '" + e.getKey() + "'; lsh takes probes");
            }
        }
        return out;
    }

    static int probes(Map<String, Object> queryParams) {
        Object p = queryParams == null ? null : queryParams.get("probes");
        return p instanceof Number n ? Math.max(0, Math.min(MAX_PROBES, n.intValue())) : DEFAULT_PROBES;
    }

    private static boolean isAuto(Object value) {
        return value == null || (value instanceof String s && s.trim().equalsIgnoreCase(AUTO));
    }

    /** An integral number in [min, max]; above max is clamped when {@code clampHigh}, else rejected. */
    static int integer(Object value, String field, int min, int max, boolean clampHigh) {
        String name = field.substring(field.indexOf('.') + 1);
        String range = " (" + min + ".." + max + ")";
        if (!(value instanceof Number n)) {
            throw new InvalidRequestException(field, name + " must be an integer" + range + "; got '" + value + "'");
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
            throw new InvalidRequestException(field, name + " must be an integer" + range + "; got " + value);
        }
        if (d < min) {
            throw new InvalidRequestException(field, name + " must be at least " + min + range + "; got " + value);
        }
        if (d > max) {
            if (clampHigh) {
                return max;
            }
            throw new InvalidRequestException(field, name + " must be at most " + max + range + "; got " + value);
        }
        return (int) d;
    }

    /** Automatic hash length for n vectors: cosine about log2(n/4) in 12..16, l2 about log2(n)/2 + 1 in 4..10. */
    static int autoBits(int n, boolean l2) {
        double lg = Math.log(Math.max(2, n)) / Math.log(2);
        return l2
                ? (int) Math.max(4, Math.min(10, Math.round(lg / 2) + 1))
                : (int) Math.max(12, Math.min(16, Math.round(lg - 2)));
    }
}
