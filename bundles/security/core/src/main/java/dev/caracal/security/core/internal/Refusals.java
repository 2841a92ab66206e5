package dev.caracal.security.core.internal;

import dev.caracal.core.http.SurfaceErrors;
import dev.caracal.security.limits.LimitHeaders;
import dev.caracal.security.limits.RateLimiter;
import java.io.IOException;
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
        resp.setHeader("Retry-After", Long.toString(LimitHeaders.retryAfterSeconds(d)));
        limitHeaders(req, resp, path, d, what);
        SurfaceErrors.write(req, resp, path, 429, "rate-limited", "Too many requests", detail);
    }

    /** The rate-limit headers of the request's SDK family ({@link LimitHeaders}). */
    static void limitHeaders(
            HttpServletRequest req, HttpServletResponse resp, String path, RateLimiter.Decision d, String what) {
        LimitHeaders.of(SurfaceErrors.anthropic(req, path), d, what).forEach(resp::setHeader);
    }

    private static String clip(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + t.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
