package dev.caracal.http.jetty.internal;

import java.util.Locale;

/**
 * The error shape a request's surface answers in, chosen from its target and headers alone, as Jetty knows no more
 * when it refuses a request: the vendor's envelope on the gateway ({@code /v1/...}), Caracal's problem+json elsewhere.
 */
public enum ErrorShape {
    /** RFC 9457 problem+json: {@code /api/...}, {@code /healthz}, {@code /readyz}, and any target Jetty could not read. */
    PROBLEM,
    /** OpenAI's {@code {"error":{message,type,param,code}}}: {@code /v1/...} without {@code anthropic-version}. */
    OPENAI,
    /** Anthropic's {@code {"type":"error","error":{type,message}}}: {@code /v1/messages}, or any request with {@code anthropic-version}. */
    ANTHROPIC;

    /**
     * The shape for a request target as it came on the request line (origin or absolute form, query and all), or
     * {@code null} when Jetty could not read one.
     */
    public static ErrorShape of(String target, boolean anthropicVersion) {
        String path = path(target);
        if (!path.equals("/v1") && !path.startsWith("/v1/")) {
            return PROBLEM;
        }
        return anthropicVersion || path.equals("/v1/messages") || path.startsWith("/v1/messages/") ? ANTHROPIC : OPENAI;
    }

    /** Whether {@code target} is one of Caracal's own paths: those that answer 503 while its HTTP context is absent. */
    public static boolean isCaracalPath(String target) {
        String path = path(target);
        return path.equals("/api")
                || path.startsWith("/api/")
                || path.equals("/v1")
                || path.startsWith("/v1/")
                || path.equals("/healthz")
                || path.equals("/readyz");
    }

    /** The path of a target: without scheme and authority, query or fragment; lower case is not applied. */
    static String path(String target) {
        if (target == null) {
            return "";
        }
        String t = target;
        int scheme = t.indexOf("://");
        if (scheme > 0 && t.substring(0, scheme).toLowerCase(Locale.ROOT).matches("https?")) {
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        int end = t.length();
        for (char c : new char[] {'?', '#', ';'}) {
            int at = t.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return t.substring(0, end);
    }
}
