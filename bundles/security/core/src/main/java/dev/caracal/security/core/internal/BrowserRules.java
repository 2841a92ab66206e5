package dev.caracal.security.core.internal;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;

/**
 * What keeps a web page the user visits from using Caracal through the user's browser. Such a page can send, without
 * asking the browser's permission first (no CORS preflight), only "simple" requests: {@code text/plain}, form or
 * multipart bodies. So a request that changes state must carry the content type its endpoint documents (JSON or
 * NDJSON; documents uploads take what their parsers read), or it is a 415. Cross-origin requests are refused unless
 * their origin is configured. With authentication off, a request whose {@code Host} is not a name of this machine is
 * refused (a DNS-rebinding page names its own domain).
 */
final class BrowserRules {
    private static final List<String> JSON_TYPES =
            List.of("application/json", "application/x-ndjson", "application/jsonl", "application/problem+json");

    private final Set<String> corsOrigins;
    private final Set<String> hosts;

    BrowserRules(String[] corsOrigins, String[] allowedHosts) {
        Set<String> o = new HashSet<>();
        for (String origin : corsOrigins) {
            if (origin != null && !origin.isBlank()) {
                o.add(stripSlash(origin.trim().toLowerCase(Locale.ROOT)));
            }
        }
        this.corsOrigins = Set.copyOf(o);
        Set<String> h = new HashSet<>(List.of("localhost", "127.0.0.1", "::1", "[::1]"));
        try {
            InetAddress local = InetAddress.getLocalHost();
            h.add(local.getHostName().toLowerCase(Locale.ROOT));
            h.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
            h.add(local.getHostAddress());
        } catch (java.io.IOException | SecurityException e) {
            // no name for this machine: localhost only
        }
        for (String a : allowedHosts) {
            if (a != null && !a.isBlank()) {
                h.add(a.trim().toLowerCase(Locale.ROOT));
            }
        }
        this.hosts = Set.copyOf(h);
    }

    /** Whether the request's body type is one its endpoint documents (requests that change state only). */
    static boolean contentTypeAllowed(HttpServletRequest req, String path) {
        String method = req.getMethod();
        if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
            return true;
        }
        String type = req.getContentType();
        if (type == null) {
            // no body: a POST that only names an action (an index rebuild)
            return req.getContentLengthLong() <= 0 && req.getHeader("Transfer-Encoding") == null;
        }
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (path.startsWith("/api/v1/collections/") && path.endsWith("/documents")) {
            // uploads: the endpoint takes its parsers' types and answers 415 itself; forms stay out
            return !media.equals("application/x-www-form-urlencoded") && !media.equals("multipart/form-data");
        }
        return JSON_TYPES.contains(media) || (media.startsWith("application/") && media.endsWith("+json"));
    }

    /** Whether a request from {@code origin} (the Origin header) may be served. */
    boolean originAllowed(String origin, HttpServletRequest req) {
        String o = stripSlash(origin.trim().toLowerCase(Locale.ROOT));
        return o.equals(ownOrigin(req)) || corsOrigins.contains(o);
    }

    /** Whether a configured origin (not the server's own) is asking: the answer carries CORS headers. */
    boolean isCrossOrigin(String origin, HttpServletRequest req) {
        return !stripSlash(origin.trim().toLowerCase(Locale.ROOT)).equals(ownOrigin(req));
    }

    /** Whether the request's Host names this machine or a configured name (checked with authentication off). */
    boolean hostAllowed(HttpServletRequest req) {
        String host = req.getHeader("Host");
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h : h.substring(0, end + 1);
        } else {
            int colon = h.lastIndexOf(':');
            if (colon > 0 && h.indexOf(':') == colon) {
                h = h.substring(0, colon);
            }
        }
        return hosts.contains(h);
    }

    private static String ownOrigin(HttpServletRequest req) {
        String host = req.getHeader("Host");
        return req.getScheme().toLowerCase(Locale.ROOT) + "://" + (host == null ? "" : host.toLowerCase(Locale.ROOT));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
