package dev.caracal.security.core.internal;

import dev.caracal.security.AuthenticationException;
import java.util.Locale;
import javax.servlet.http.HttpServletRequest;

/**
 * Finds the API key a request presents: {@code Authorization: Bearer <key>} (OpenAI SDKs and most clients),
 * {@code x-api-key} (Anthropic SDKs, LangChain4j) or {@code api-key} (Azure OpenAI clients). A request that presents
 * different keys in two of them, another authorization scheme, or a key that cannot be one is refused by name.
 */
final class Credentials {
    static final String X_API_KEY = "x-api-key";
    static final String API_KEY = "api-key";
    private static final int MAX_KEY = 512;

    private Credentials() {}

    /** The presented key, or {@code null} when the request presents none. */
    static String presented(HttpServletRequest req) {
        String found = null;
        String from = null;
        String authorization = req.getHeader("Authorization");
        if (authorization != null) {
            String[] parts = authorization.trim().split(" ", 2);
            if (!parts[0].equalsIgnoreCase("Bearer")) {
                throw new AuthenticationException("the Authorization header uses the '" + printable(parts[0])
                        + "' scheme; send the API key as 'Authorization: Bearer <key>'");
            }
            found = check(parts.length < 2 ? "" : parts[1].trim(), "Authorization");
            from = "Authorization";
        }
        for (String header : new String[] {X_API_KEY, API_KEY}) {
            String v = req.getHeader(header);
            if (v == null) {
                continue;
            }
            String key = check(v.trim(), header);
            if (found != null && !found.equals(key)) {
                throw new AuthenticationException(
                        "the request carries different keys in " + from + " and " + header + "; send one key");
            }
            found = key;
            from = header;
        }
        return found;
    }

    private static String check(String key, String header) {
        if (key.isEmpty()) {
            throw new AuthenticationException("the " + header + " header is empty; it must carry the API key");
        }
        if (key.length() > MAX_KEY) {
            throw new AuthenticationException(
                    "the API key in " + header + " is malformed (longer than " + MAX_KEY + " characters)");
        }
        for (int i = 0; i < key.length(); i++) {
            char ch = key.charAt(i);
            if (ch <= ' ' || ch >= 0x7f) {
                throw new AuthenticationException(
                        "the API key in " + header + " is malformed (spaces or characters outside printable ASCII)");
            }
        }
        return key;
    }

    private static String printable(String s) {
        String t = s.length() > 20 ? s.substring(0, 20) : s;
        return t.replaceAll("[^A-Za-z0-9_-]", "?").toLowerCase(Locale.ROOT);
    }
}
