package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Build and query parameters of both index types.
 *
 * <p>Build parameters (the collection's index spec): {@code nlist} (centroids, 1..65536, or {@code "auto"}: about
 * 4*sqrt(n) chosen each time the index trains), {@code nprobe} (lists probed per query by default, or
 * {@code "auto"}: max(8, nlist/16) capped at nlist), and for {@code ivf-pq} also {@code pqM} (sub-quantizers; must
 * divide the dimension, checked when the index opens; {@code "auto"}: the largest divisor of the dimension that is
 * at most dimension/8, i.e. sub-vectors of about 8 floats coded in one byte) and {@code rerank} (a multiplier of
 * k: the best {@code rerank*k} candidates by quantized distance, at least 32 and at most max(k, 1000), are re-ranked
 * on their full vectors; default 4).
 *
 * <p>Query parameters: {@code nprobe} (integer >= 1; values above nlist probe every list) and for {@code ivf-pq}
 * {@code rerank} (integer multiplier 1..1000).
 */
final class IvfParams {
    static final String AUTO = "auto";
    static final int MAX_NLIST = 65536;
    static final int DEFAULT_RERANK = 4;
    static final int MAX_RERANK = 1000;

    /** Parsed build parameters; 0 means automatic. */
    record Build(int nlist, int nprobe, int pqM, int rerank) {}

    private IvfParams() {}

    static Map<String, Object> validateBuild(Map<String, Object> params, boolean pq) {
        Map<String, Object> in = params == null ? Map.of() : params;
        for (String name : in.keySet()) {
            if (!name.equals("nlist")
                    && !name.equals("nprobe")
                    && !(pq && (name.equals("pqM") || name.equals("rerank")))) {
                throw new InvalidRequestException(
                        "index." + name,
                        "unknown parameter '" + name + "'; "
                                + (pq ? "ivf-pq takes nlist, nprobe, pqM, rerank" : "ivf takes nlist, nprobe"));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nlist", autoOrInt(in.get("nlist"), "index.nlist", 1, MAX_NLIST));
        out.put("nprobe", autoOrInt(in.get("nprobe"), "index.nprobe", 1, MAX_NLIST));
        if (pq) {
            out.put("pqM", autoOrInt(in.get("pqM"), "index.pqM", 1, 65536));
            Object r = in.get("rerank");
            out.put("rerank", r == null ? DEFAULT_RERANK : integer(r, "index.rerank", 1, MAX_RERANK, false));
        }
        return out;
    }

    /** Reads already validated (or persisted and reloaded) build parameters. */
    static Build parseBuild(Map<String, Object> params, boolean pq) {
        Map<String, Object> p = validateBuild(params, pq);
        return new Build(
                autoAsZero(p.get("nlist")),
                autoAsZero(p.get("nprobe")),
                pq ? autoAsZero(p.get("pqM")) : 0,
                pq ? ((Number) p.get("rerank")).intValue() : DEFAULT_RERANK);
    }

    static Map<String, Object> validateQuery(Map<String, Object> params, boolean pq) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (params == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : params.entrySet()) {
            String name = e.getKey();
            if (name.equals("nprobe")) {
                out.put(name, integer(e.getValue(), "params.nprobe", 1, MAX_NLIST, true));
            } else if (pq && name.equals("rerank")) {
                out.put(name, integer(e.getValue(), "params.rerank", 1, MAX_RERANK, true));
            } else {
                throw new InvalidRequestException(
                        "params." + name,
                        "unknown parameter '" + name + "'; "
                                + (pq ? "ivf-pq takes nprobe, rerank" : "ivf takes nprobe"));
            }
        }
        return out;
    }

    private static Object autoOrInt(Object value, String field, int min, int max) {
        if (value == null || (value instanceof String s && s.trim().equalsIgnoreCase(AUTO))) {
            return AUTO;
        }
        return integer(value, field, min, max, false);
    }

    private static int autoAsZero(Object value) {
        return value instanceof Number n ? n.intValue() : 0;
    }

    /** An integral number in [min, max]; above max is clamped when {@code clampHigh}, else rejected. */
    static int integer(Object value, String field, int min, int max, boolean clampHigh) {
        String name = field.substring(field.indexOf('.') + 1);
        if (!(value instanceof Number n)) {
            throw new InvalidRequestException(field, name + " must be an integer; got '" + value + "'");
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
            throw new InvalidRequestException(field, name + " must be an integer; got " + value);
        }
        if (d < min) {
            throw new InvalidRequestException(field, name + " must be at least " + min + "; got " + value);
        }
        if (d > max) {
            if (clampHigh) {
                return max;
            }
            throw new InvalidRequestException(field, name + " must be at most " + max + "; got " + value);
        }
        return (int) d;
    }

    /** The default pqM for a dimension: the largest divisor of it that is at most dim/8 (1 when dim < 16). */
    static int defaultPqM(int dim) {
        int limit = Math.max(1, dim / 8);
        for (int m = limit; m > 1; m--) {
            if (dim % m == 0) {
                return m;
            }
        }
        return 1;
    }

    /** The automatic nlist for n vectors: about 4*sqrt(n), 1..65536. */
    static int autoNlist(int n) {
        return (int) Math.max(1, Math.min(MAX_NLIST, Math.round(4 * Math.sqrt(Math.max(1, n)))));
    }

    /** The automatic nprobe for nlist lists. */
    static int autoNprobe(int nlist) {
        return Math.max(1, Math.min(nlist, Math.max(8, nlist / 16)));
    }
}
