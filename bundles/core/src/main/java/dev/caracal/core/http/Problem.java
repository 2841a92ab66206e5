package dev.caracal.core.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem detail. {@code type} is a URN naming the kind of problem, {@code title} its short summary,
 * {@code detail} what happened this time; {@code extensions} adds members such as {@code field}.
 */
public record Problem(String type, String title, int status, String detail, Map<String, Object> extensions) {
    private static final String TYPE_PREFIX = "urn:caracal:problem:";

    public Problem {
        Objects.requireNonNull(type, "type");
        // insertion order is kept: clients and humans read members in the order they were added
        extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, Map.of());
    }

    /** A 400 about one field of the request. */
    public static Problem badField(String field, String detail) {
        return new Problem(
                TYPE_PREFIX + "invalid-request",
                "Invalid request",
                400,
                detail,
                field == null ? Map.of() : Map.of("field", field));
    }

    public Problem with(String name, Object value) {
        Map<String, Object> ext = new LinkedHashMap<>(extensions);
        ext.put(name, value);
        return new Problem(type, title, status, detail, ext);
    }

    /** The JSON members in RFC order, extensions last. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        out.put("title", title);
        out.put("status", status);
        if (detail != null) {
            out.put("detail", detail);
        }
        out.putAll(extensions);
        return out;
    }
}
