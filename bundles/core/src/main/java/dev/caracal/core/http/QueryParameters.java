package dev.caracal.core.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query string of a request, read without {@code getParameter}: for a form-encoded body that would consume the
 * body as parameters. A parameter the endpoint does not take, or one given twice, is a 400 that names it.
 */
public final class QueryParameters {
    /**
     * Parameters the security guard reads on every request ({@code tenant}: the tenant an admin acts in); an endpoint
     * that does not take them itself accepts and drops them.
     *
     * @since 1.3
     */
    public static final Set<String> GUARD_PARAMETERS = Set.of("tenant");

    private QueryParameters() {}

    /**
     * The parameters of {@code query} (a raw query string, or null) by name, decoded; 400 for a malformed escape, a
     * name not in {@code accepted}, or a name given twice.
     */
    public static Map<String, String> parse(String query, Set<String> accepted) {
        Map<String, String> out = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badField(
                        null, "malformed query string: a % escape is not followed by two hexadecimal digits");
            }
            if (!accepted.contains(name) && GUARD_PARAMETERS.contains(name)) {
                continue;
            }
            if (!accepted.contains(name)) {
                throw ProblemException.badField(
                        name, "unknown query parameter '" + name + "'; this endpoint takes " + new TreeSet<>(accepted));
            }
            if (out.put(name, value) != null) {
                throw ProblemException.badField(name, "query parameter '" + name + "' is given more than once");
            }
        }
        return out;
    }
}
