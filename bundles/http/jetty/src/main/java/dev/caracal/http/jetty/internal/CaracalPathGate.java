package dev.caracal.http.jetty.internal;

import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.MappedResource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * Wraps Pax Web's handlers (inserted by this fragment's {@code jetty.xml}): a request for one of Caracal's paths
 * ({@code /api}, {@code /v1}, {@code /healthz}, {@code /readyz}) that no servlet of the root context maps is answered
 * 503 with {@code Retry-After: 1} in the path's error shape. That is the second after the port opens: first no root
 * context at all, then Caracal's context without its servlets yet (the health servlet waits for the health
 * registry); Jetty would answer both with an HTML 404. Once Caracal's servlets are there (its fallback servlet maps
 * all of {@code /api/*} and {@code /v1/*}), every request passes straight through.
 */
public class CaracalPathGate extends HandlerWrapper {
    static final String RETRY_AFTER_SECONDS = "1";

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if (ErrorShape.isCaracalPath(target) && !mapped(target)) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader(HttpHeader.RETRY_AFTER.asString(), RETRY_AFTER_SECONDS);
            response.setHeader(HttpHeader.CACHE_CONTROL.asString(), "no-store");
            ErrorShape shape = ErrorShape.of(target, request.getHeader("anthropic-version") != null);
            ErrorBody.of(shape, HttpServletResponse.SC_SERVICE_UNAVAILABLE, ErrorMessages.unavailableMessage())
                    .writeTo(response);
            baseRequest.setHandled(true);
            return;
        }
        super.handle(target, baseRequest, request, response);
    }

    /**
     * Whether a servlet of the running root context maps {@code path} (its default servlet, Pax Web's 404, does not
     * count), or another application's context holds it (one deployed at {@code /api}, say): only Caracal's own
     * absence is gated.
     */
    private boolean mapped(String path) {
        for (Handler h : getChildHandlersByClass(ServletContextHandler.class)) {
            ServletContextHandler context = (ServletContextHandler) h;
            String contextPath = context.getContextPath();
            if (!context.isAvailable()) {
                continue;
            }
            if (!"/".equals(contextPath) && !contextPath.isEmpty()) {
                if (path.equals(contextPath) || path.startsWith(contextPath + "/")) {
                    return true;
                }
                continue;
            }
            MappedResource<ServletHolder> servlet = context.getServletHandler().getMappedServlet(path);
            if (servlet != null && !"/".equals(servlet.getPathSpec().getDeclaration())) {
                return true;
            }
        }
        return false;
    }
}
