package dev.caracal.core.internal;

import dev.caracal.core.health.HealthRegistry;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.RequestGuard;
import dev.caracal.core.http.SurfaceErrors;
import java.io.IOException;
import java.util.List;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Where security plugs in: every request to the shared context passes each registered {@link RequestGuard}, highest
 * {@code service.ranking} first, before any servlet. Guards are bundles of their own and may come and go at runtime.
 * Before them, while Caracal starts, the {@link StartupGate} answers the API surfaces 503 until the container is ready.
 *
 * <p>Fail closed: while no guard is registered (the security bundle is not installed, or is being replaced), every
 * request but {@code /healthz} and {@code /readyz} is answered 503 with {@code Retry-After}, never served unguarded.
 */
@Component(
        service = Filter.class,
        property = {
            "osgi.http.whiteboard.filter.pattern=/*",
            "osgi.http.whiteboard.filter.name=caracal-request-guards",
            // streaming servlets (the gateway ingresses) go async; a filter in front of them must allow it
            "osgi.http.whiteboard.filter.asyncSupported:Boolean=true",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class GuardFilter implements Filter {

    /** The guards as SCR binds them: ordered as their service references, so the highest ranking comes last. */
    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<RequestGuard> guards = List.of();

    /** Readiness, for the startup gate; the registry is this bundle's own, so it arrives with it. */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthRegistry health;

    private final StartupGate gate = new StartupGate(() -> health);

    /** For SCR. */
    public GuardFilter() {}

    /** With the guards SCR would bind, lowest ranking first, and a registry (tests). */
    GuardFilter(List<RequestGuard> guards, HealthRegistry health) {
        this.guards = List.copyOf(guards);
        this.health = health;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest req && response instanceof HttpServletResponse resp) {
            if (!gate.admit(req, resp)) {
                return;
            }
            List<RequestGuard> ranked = guards;
            if (ranked.isEmpty() && !isHealth(req)) {
                resp.setHeader("Retry-After", "5");
                String path = SurfaceErrors.path(req);
                SurfaceErrors.write(
                        req,
                        resp,
                        path,
                        503,
                        "security-unavailable",
                        "Security unavailable",
                        "the security guard is not running (feature caracal-security), so no request is served; "
                                + "retry in a moment");
                return;
            }
            for (int i = ranked.size() - 1; i >= 0; i--) {
                if (!ranked.get(i).admit(req, resp)) {
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    private static boolean isHealth(HttpServletRequest req) {
        String path = SurfaceErrors.path(req);
        return path.equals("/healthz") || path.equals("/readyz");
    }
}
