package dev.caracal.security.core.internal;

import dev.caracal.security.Access;
import java.util.regex.Pattern;

/**
 * What a request does, by method and path, for the role check: administration ({@code /api/v1/tenants},
 * {@code /api/v1/keys}, {@code /api/v1/audit}), reads (GET, HEAD, OPTIONS, and POSTs that only read: a search), or
 * writes (every other method). The gateway's {@code /v1} calls are open to every role (what they may spend is
 * governed by model grants and token limits), including the conversation a call stores for its own tenant
 * ({@code /v1/responses} with {@code store}); deleting a stored response ({@code DELETE} under {@code /v1}) is a write.
 * A surface that adds a POST that only reads adds its path here.
 */
final class Permissions {
    private static final Pattern READING_POSTS = Pattern.compile("/api/v1/collections/[^/]+/search");

    private Permissions() {}

    static Access classify(String method, String path) {
        if (isUnder(path, "/api/v1/tenants") || isUnder(path, "/api/v1/keys") || isUnder(path, "/api/v1/audit")) {
            return Access.ADMIN;
        }
        if (isUnder(path, "/v1")) {
            return method.equals("DELETE") ? Access.WRITE : Access.READ;
        }
        return switch (method) {
            case "GET", "HEAD", "OPTIONS" -> Access.READ;
            case "POST" -> READING_POSTS.matcher(path).matches() ? Access.READ : Access.WRITE;
            default -> Access.WRITE;
        };
    }

    /** Whether {@code path} is {@code base} or below it. */
    static boolean isUnder(String path, String base) {
        return path.equals(base) || (path.startsWith(base) && path.charAt(base.length()) == '/');
    }

    /** What a role cannot do, in words: "change data", "administer tenants and keys". */
    static String verb(Access access) {
        return switch (access) {
            case READ -> "read";
            case WRITE -> "change data";
            case ADMIN -> "administer tenants, keys and the audit log";
        };
    }
}
