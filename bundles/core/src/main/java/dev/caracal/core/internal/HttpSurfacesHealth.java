package dev.caracal.core.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.core.http.CaracalHttp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.ErrorPageDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;

/**
 * Health check {@code http}: ready once the HTTP runtime has deployed every servlet registered for the shared
 * context. A surface registers its servlet as a service a moment before Jetty serves it; without this check
 * {@code /readyz} could say ready while an endpoint still answers 404.
 */
@Component(service = HealthCheck.class)
public class HttpSurfacesHealth implements HealthCheck {

    private final BundleContext context;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HttpServiceRuntime runtime;

    @Activate
    public HttpSurfacesHealth(BundleContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Result check() {
        HttpServiceRuntime r = runtime;
        if (r == null) {
            return Result.down("the HTTP runtime (Pax Web) is not running");
        }
        Set<Long> deployed = new HashSet<>();
        for (ServletContextDTO ctx : r.getRuntimeDTO().servletContextDTOs) {
            for (ServletDTO s : ctx.servletDTOs) {
                deployed.add(s.serviceId);
            }
            // an error page servlet (the context's own) is listed apart from the servlets that serve paths
            for (ErrorPageDTO e : ctx.errorPageDTOs) {
                deployed.add(e.serviceId);
            }
        }
        List<String> pending = new ArrayList<>();
        int surfaces = 0;
        for (ServiceReference<Servlet> ref : caracalServlets()) {
            surfaces++;
            if (!deployed.contains((Long) ref.getProperty(Constants.SERVICE_ID))) {
                Object name = ref.getProperty("osgi.http.whiteboard.servlet.name");
                pending.add(name == null ? String.valueOf(ref.getProperty(Constants.SERVICE_ID)) : name.toString());
            }
        }
        if (!pending.isEmpty()) {
            return new Result(
                    HealthStatus.DOWN, "not deployed yet: " + String.join(", ", pending), Map.of("pending", pending));
        }
        return Result.up(surfaces + " HTTP surfaces deployed");
    }

    private List<ServiceReference<Servlet>> caracalServlets() {
        List<ServiceReference<Servlet>> out = new ArrayList<>();
        try {
            for (ServiceReference<Servlet> ref : context.getServiceReferences(Servlet.class, null)) {
                if (CaracalHttp.CONTEXT_SELECT.equals(ref.getProperty("osgi.http.whiteboard.context.select"))) {
                    out.add(ref);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
