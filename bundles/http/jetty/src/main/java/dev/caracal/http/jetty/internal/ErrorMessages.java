package dev.caracal.http.jetty.internal;

import java.util.regex.Pattern;

/**
 * What Caracal says when Jetty refuses a request, and the status it says it with: a request Jetty cannot parse is
 * the client's doing, so it is a 4xx even where Jetty's parser picks a 5xx (505 for a request line without a
 * version or with an unknown one).
 */
public final class ErrorMessages {
    /** Jetty's parser reasons are short fixed phrases; anything else (an exception's text) is never echoed. */
    private static final Pattern PLAIN_REASON = Pattern.compile("[A-Za-z0-9 /'=:.,()_-]{1,80}");

    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private ErrorMessages() {}

    /** The status to answer for a request Jetty's parser refused with {@code jettyStatus}: a 4xx. */
    public static int clientStatus(int jettyStatus) {
        return jettyStatus >= 400 && jettyStatus < 500 ? jettyStatus : 400;
    }

    /** The message for a request Jetty's parser refused; {@code target} is the request target when it was read. */
    public static String parserMessage(int status, String reason, String target) {
        if ("HTTP/0.9 not supported".equals(reason)) {
            return "the request line has no HTTP version; send 'METHOD /path HTTP/1.1' (HTTP/0.9 is not supported)";
        }
        if ("Unknown Version".equals(reason)) {
            return "the request line names an HTTP version this server does not speak; use HTTP/1.1";
        }
        switch (status) {
            case 431:
                return "the request's header fields are too large; send fewer or smaller headers";
            case 414:
                return "the request target is too long";
            case 413:
                return "the request is too large";
            default:
                break;
        }
        if (target != null && BAD_ESCAPE.matcher(target).find()) {
            return "the request target has a malformed percent-escape ('%' must be followed by two hex digits)";
        }
        String base = "the request could not be parsed as HTTP/1.1";
        return isPlain(reason) ? base + " (" + reason + ")" : base;
    }

    /** The message for an error Jetty answers after parsing, outside any Caracal context (Caracal says nothing of its cause). */
    public static String dispatchMessage(int status, String path) {
        return switch (status) {
            case 404 -> "nothing is served at " + path;
            case 405 -> "method not allowed at " + path;
            default -> status >= 500 ? "the server failed to answer this request" : "the request was refused";
        };
    }

    /** The message of the 503 Caracal's paths answer while its HTTP context is not registered. */
    public static String unavailableMessage() {
        return "Caracal's HTTP API is not available yet (the server is starting, or its core is being updated);"
                + " retry in a second";
    }

    static boolean isPlain(String reason) {
        return reason != null
                && PLAIN_REASON.matcher(reason).matches()
                && !reason.contains("Exception")
                && !reason.contains("java.")
                && !reason.contains("org.");
    }
}
