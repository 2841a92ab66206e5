package dev.caracal.llm.support;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Validation and parsing of the configuration values every provider instance has. */
public final class ConfigValues {

    private ConfigValues() {}

    /**
     * A provider instance id: required, letters, digits, {@code .}, {@code _} and {@code -} only (it appears in service
     * properties, model names and file names). Returns it trimmed.
     *
     * @throws IllegalArgumentException when it is missing or has other characters
     */
    public static String requireId(String id) {
        String s = id == null ? "" : id.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("id is required");
        }
        if (!s.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("id may hold letters, digits, '.', '_' and '-' only: " + s);
        }
        return s;
    }

    /**
     * An http(s) base URL without trailing slashes; {@code fallback} when the value is blank.
     *
     * @throws IllegalArgumentException when it is not an http(s) URL
     */
    public static URI baseUrl(String value, String fallback) {
        String base = value == null || value.isBlank() ? fallback : value.trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("baseUrl is not a URL: " + base, e);
        }
        requireHttp(uri);
        return uri;
    }

    /** @throws IllegalArgumentException unless the URI is http or https with a host */
    public static URI requireHttp(URI uri) {
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an http(s) URL: " + uri);
        }
        return uri;
    }

    /** The comma-separated entries of {@code value}, trimmed, blanks and duplicates dropped, in order. */
    public static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                String s = part.trim();
                if (!s.isEmpty() && !out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
