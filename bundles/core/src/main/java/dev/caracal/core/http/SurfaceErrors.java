package dev.caracal.core.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import java.io.IOException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * An error in the shape of the surface a request was meant for: problem+json on {@code /api} (and anything else), on
 * {@code /v1} Anthropic's envelope for {@code /v1/messages} or a request that carries {@code anthropic-version}, else
 * OpenAI's. Used where no surface has answered yet: the startup gate, the fallback for unknown paths, the error page,
 * and the security guard's refusals (401, 403, 415, 429).
 *
 * @since 1.3
 */
public final class SurfaceErrors {
    private SurfaceErrors() {}

    /** Writes {@code status} with {@code detail} for {@code path}; {@code slug} and {@code title} are problem+json's. */
    public static void write(
            HttpServletRequest req,
            HttpServletResponse resp,
            String path,
            int status,
            String slug,
            String title,
            String detail)
            throws IOException {
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            ApiServlet.writeProblem(resp, Problem.of(status, slug, title, detail));
        } else if (anthropic(req, path)) {
            ObjectNode body = Json.mapper().createObjectNode().put("type", "error");
            body.putObject("error").put("type", anthropicType(status)).put("message", detail);
            ApiServlet.writeJson(resp, status, body);
        } else {
            ObjectNode body = Json.mapper().createObjectNode();
            body.putObject("error")
                    .put("message", detail)
                    .put("type", status >= 500 ? "server_error" : "invalid_request_error")
                    .putNull("param")
                    .put("code", slug);
            ApiServlet.writeJson(resp, status, body);
        }
    }

    /** The Anthropic surface answers {@code /v1/messages} and requests that carry {@code anthropic-version}. */
    public static boolean anthropic(HttpServletRequest req, String path) {
        return req.getHeader("anthropic-version") != null || path.startsWith("/v1/messages");
    }

    /** Anthropic's error type for a status (its API reference's table). */
    public static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The request's path inside the context (servlet path and path info), else its URI. */
    public static String path(HttpServletRequest req) {
        String servletPath = req.getServletPath() == null ? "" : req.getServletPath();
        String pathInfo = req.getPathInfo() == null ? "" : req.getPathInfo();
        String path = servletPath + pathInfo;
        return path.isEmpty() ? (req.getRequestURI() == null ? "" : req.getRequestURI()) : path;
    }
}
