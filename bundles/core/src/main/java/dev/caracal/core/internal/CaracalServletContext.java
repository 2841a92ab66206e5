package dev.caracal.core.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.RequestGuard;
import java.io.IOException;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.context.ServletContextHelper;

/**
 * The one servlet context every Caracal surface shares (whiteboard name {@value CaracalHttp#CONTEXT_NAME}, path
 * {@code /}). Each request passes the registered {@link RequestGuard}s, highest ranking first, before any servlet: that
 * is where authentication, rate limits and other security plug in, as bundles that can come and go.
 */
@Component(service = ServletContextHelper.class, property = {
        "osgi.http.whiteboard.context.name=" + CaracalHttp.CONTEXT_NAME,
        "osgi.http.whiteboard.context.path=/"})
public class CaracalServletContext extends ServletContextHelper {

    private final Map<ServiceReference<RequestGuard>, RequestGuard> guards =
            new ConcurrentSkipListMap<>(Comparator.reverseOrder());

    @Activate
    public CaracalServletContext(BundleContext context) {
        super(context.getBundle());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addGuard(ServiceReference<RequestGuard> ref, RequestGuard guard) {
        guards.put(ref, guard);
    }

    void removeGuard(ServiceReference<RequestGuard> ref) {
        guards.remove(ref);
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        for (RequestGuard guard : guards.values()) {
            if (!guard.admit(request, response)) {
                return false;
            }
        }
        return true;
    }
}
