package dev.caracal.core.internal;

import dev.caracal.core.http.ApiServlet;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.SurfaceErrors;
import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * Answers any {@code /api/...} or {@code /v1/...} path no surface serves (or whose surface bundle is absent right now) with a
 * 404 in the surface's shape (problem+json on {@code /api}, the vendor's envelope on {@code /v1}), so API clients never
 * get Jetty's HTML error page. More specific servlet patterns win over it.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/*",
            "osgi.http.whiteboard.servlet.pattern=/v1/*",
            "osgi.http.whiteboard.servlet.name=caracal-api-fallback",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class ApiFallbackServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = SurfaceErrors.path(req);
        String detail = path.startsWith("/v1")
                ? "no endpoint at " + req.getRequestURI() + "; the LLM gateway serves /v1/chat/completions, "
                        + "/v1/embeddings, /v1/models and /v1/messages (see caracal:status for the HTTP surfaces running now)"
                : "no API endpoint at " + req.getRequestURI()
                        + "; the vector API is under /api/v1/collections (see caracal:status for the HTTP surfaces running now)";
        SurfaceErrors.write(req, resp, path, 404, "not-found", "Not found", detail);
    }
}
