package dev.caracal.security.core.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.SurfaceErrors;
import dev.caracal.security.AuditEvent;
import dev.caracal.security.AuditLog;
import dev.caracal.security.Principal;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the destructive requests of the REST API in the audit log, after they are answered (so with their outcome):
 * a collection created or dropped, records deleted, an index changed or rebuilt, a stored response deleted. Runs after the guard (a lower
 * ranking), so the request's {@link Principal} is known. Tenant and key administration is recorded by the security
 * service itself.
 */
@Component(
        service = Filter.class,
        property = {
            "osgi.http.whiteboard.filter.pattern=/api/*",
            "osgi.http.whiteboard.filter.pattern=/v1/responses/*",
            "osgi.http.whiteboard.filter.name=caracal-audit",
            "osgi.http.whiteboard.filter.asyncSupported:Boolean=true",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT,
            "service.ranking:Integer=-100"
        })
public class AuditFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(AuditFilter.class);
    private static final Pattern COLLECTION = Pattern.compile("/api/v1/collections/([^/]+)(/.*)?");
    private static final Pattern STORED_RESPONSE = Pattern.compile("/v1/responses/([^/]+)");

    @Reference
    private AuditLog audit;

    /** For SCR. */
    public AuditFilter() {}

    AuditFilter(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
            chain.doFilter(request, response);
            return;
        }
        String path = SurfaceErrors.path(req);
        String action = action(req.getMethod(), path);
        if (action == null) {
            chain.doFilter(request, response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            int status = resp.getStatus();
            try {
                audit.record(AuditEvent.of(
                        Principal.of(req),
                        action,
                        target(path),
                        status < 300 ? "ok" : "http " + status,
                        req.getMethod() + " " + path));
            } catch (RuntimeException e) {
                LOG.error("Recording {} of {} in the audit log failed", action, path, e);
            }
        }
    }

    /** The audited action a request performs, or {@code null}. */
    static String action(String method, String path) {
        if (method.equals("DELETE") && STORED_RESPONSE.matcher(path).matches()) {
            return "response.delete";
        }
        if (path.equals("/api/v1/collections")) {
            return method.equals("POST") ? "collection.create" : null;
        }
        Matcher m = COLLECTION.matcher(path);
        if (!m.matches()) {
            return null;
        }
        String rest = m.group(2) == null ? "" : m.group(2);
        return switch (method) {
            case "DELETE" -> rest.isEmpty() ? "collection.drop" : rest.startsWith("/records") ? "records.delete" : null;
            case "PUT" -> rest.equals("/index") ? "index.change" : null;
            case "POST" -> rest.equals("/index/rebuild") ? "index.rebuild" : null;
            default -> null;
        };
    }

    private static String target(String path) {
        Matcher m = COLLECTION.matcher(path);
        if (m.matches()) {
            return "collection " + m.group(1);
        }
        Matcher r = STORED_RESPONSE.matcher(path);
        return r.matches() ? "response " + r.group(1) : path;
    }
}
