package dev.caracal.core.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.SurfaceErrors;
import java.io.IOException;
import javax.servlet.RequestDispatcher;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error page of Caracal's servlet context: an exception that escapes a servlet, or an error the container sends
 * itself ({@code sendError}), is answered in the surface's shape ({@link SurfaceErrors}) instead of the container's HTML
 * page, and never with a class name, a message of the exception or a stack trace: an unexpected failure is logged
 * with an incident id the answer gives.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.errorPage=java.lang.Throwable",
            "osgi.http.whiteboard.servlet.errorPage=4xx",
            "osgi.http.whiteboard.servlet.errorPage=5xx",
            "osgi.http.whiteboard.servlet.name=caracal-error-page",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class ErrorPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ErrorPageServlet.class);

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? SurfaceErrors.path(req) : uri.toString();
        Object failure = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = failure != null ? 500 : code instanceof Integer c && c >= 400 && c < 600 ? c : 500;
        String detail;
        String slug;
        if (failure instanceof Throwable t) {
            String incident = Long.toHexString(System.nanoTime());
            LOG.error("unexpected failure on {} {} (incident {})", req.getMethod(), path, incident, t);
            slug = "internal-error";
            detail = "the server failed unexpectedly; see the log for incident " + incident;
        } else {
            slug = status >= 500 ? "server-error" : "bad-request";
            detail = describe(status, path);
        }
        SurfaceErrors.write(req, resp, path, status, slug, title(status), detail);
    }

    /** Plain words for a status the container sent (its own message may name classes, so it is not repeated). */
    static String describe(int status, String path) {
        return switch (status) {
            case 400 -> "the request to " + path + " is malformed";
            case 404 -> "nothing at " + path;
            case 405 -> "this method is not allowed on " + path;
            case 413 -> "the request to " + path + " is too large";
            case 414 -> "the request's URI is too long";
            case 415 -> "the content type is not accepted at " + path;
            case 431 -> "the request's headers are too large";
            case 503 -> "the service at " + path + " is unavailable; retry in a moment";
            default ->
                status >= 500 ? "the server failed to answer " + path : "the request to " + path + " was refused";
        };
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Request too large";
            case 503 -> "Service unavailable";
            default -> status >= 500 ? "Server error" : "Request refused";
        };
    }
}
