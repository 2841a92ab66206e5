package dev.caracal.core.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.RequestGuard;
import java.io.IOException;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Where security plugs in: every request to the shared context passes each registered {@link RequestGuard}, highest
 * {@code service.ranking} first, before any servlet. Guards are bundles of their own and may come and go at runtime.
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

    private final Map<ServiceReference<RequestGuard>, RequestGuard> guards =
            new ConcurrentSkipListMap<>(Comparator.reverseOrder());

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addGuard(ServiceReference<RequestGuard> ref, RequestGuard guard) {
        guards.put(ref, guard);
    }

    void removeGuard(ServiceReference<RequestGuard> ref) {
        guards.remove(ref);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest req && response instanceof HttpServletResponse resp) {
            for (RequestGuard guard : guards.values()) {
                if (!guard.admit(req, resp)) {
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }
}
