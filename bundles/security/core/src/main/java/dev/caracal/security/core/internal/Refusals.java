package dev.caracal.security.core.internal;

import dev.caracal.core.http.SurfaceErrors;
import dev.caracal.security.limits.RateLimiter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** The guard's answers, in the shape of the surface the request was meant for (problem+json, or a vendor's). */
final class Refusals {
    private Refusals() {}

    static void unauthorized(HttpServletRequest req, HttpServletResponse resp, String path, String detail)
            throws IOException {
        resp.setHeader("WWW-Authenticate", "Bearer realm=\"caracal\"");
        SurfaceErrors.write(req, resp, path, 401, "unauthorized", "Unauthorized", detail);
    }

    static void forbidden(HttpServletRequest req, HttpServletResponse resp, String path, String detail)
            throws IOException {
        SurfaceErrors.write(req, resp, path, 403, "forbidden", "Forbidden", detail);
    }

    static void notFound(HttpServletRequest req, HttpServletResponse resp, String path, String slug, String detail)
            throws IOException {
        SurfaceErrors.write(req, resp, path, 404, slug, "Not found", detail);
    }

    static void unsupportedType(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        String type = req.getContentType();
        SurfaceErrors.write(
                req,
                resp,
                path,
                415,
                "unsupported-media-type",
                "Unsupported media type",
                (type == null ? "the request has a body but no Content-Type" : "Content-Type " + clip(type))
                        + " is not accepted here; send the body as application/json (NDJSON where documented)");
    }

    /** A 429 with {@code Retry-After} and the rate-limit headers of the request's SDK family. */
    static void tooMany(
            HttpServletRequest req,
            HttpServletResponse resp,
            String path,
            RateLimiter.Decision d,
            String what,
            String detail)
            throws IOException {
        long seconds = Math.max(1, (d.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
        resp.setHeader("Retry-After", Long.toString(seconds));
        limitHeaders(req, resp, path, d, what);
        SurfaceErrors.write(req, resp, path, 429, "rate-limited", "Too many requests", detail);
    }

    /**
     * The headers clients read to pace themselves: OpenAI's {@code x-ratelimit-*-requests} (or {@code -tokens}),
     * Anthropic's {@code anthropic-ratelimit-requests-*} (or {@code tokens}) on its surface.
     */
    static void limitHeaders(
            HttpServletRequest req, HttpServletResponse resp, String path, RateLimiter.Decision d, String what) {
        if (SurfaceErrors.anthropic(req, path)) {
            String base = "anthropic-ratelimit-" + what + "-";
            resp.setHeader(base + "limit", Integer.toString(d.limit()));
            resp.setHeader(base + "remaining", Integer.toString(d.remaining()));
            resp.setHeader(
                    base + "reset", Instant.now().plusNanos(d.resetNanos()).toString());
        } else {
            resp.setHeader("x-ratelimit-limit-" + what, Integer.toString(d.limit()));
            resp.setHeader("x-ratelimit-remaining-" + what, Integer.toString(d.remaining()));
            resp.setHeader("x-ratelimit-reset-" + what, openAiDuration(d.resetNanos()));
        }
    }

    /** OpenAI's reset format: {@code 1s}, {@code 6m0s}, {@code 250ms}. */
    static String openAiDuration(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = (nanos + 999_999_999L) / 1_000_000_000L;
        return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
    }

    private static String clip(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + t.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
