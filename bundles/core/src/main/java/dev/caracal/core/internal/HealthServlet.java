package dev.caracal.core.internal;

import dev.caracal.core.health.HealthRegistry;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.core.http.ApiServlet;
import dev.caracal.core.http.CaracalHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /healthz}: 200 unless some check is DOWN (503), with every check's status. {@code /readyz}: 200 once every
 * required check is registered and every check is ready, else 503 naming what is missing.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/healthz",
            "osgi.http.whiteboard.servlet.pattern=/readyz",
            "osgi.http.whiteboard.servlet.name=caracal-health",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class HealthServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    private final transient HealthRegistry registry;

    @Activate
    public HealthServlet(@Reference HealthRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<HealthRegistry.Entry> entries = registry.entries();
        List<Map<String, Object>> checks = new ArrayList<>();
        for (HealthRegistry.Entry e : entries) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", e.name());
            c.put("status", e.result().status().name());
            c.put("ready", e.ready());
            if (e.result().message() != null) {
                c.put("message", e.result().message());
            }
            if (!e.result().details().isEmpty()) {
                c.put("details", e.result().details());
            }
            checks.add(c);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        resp.setHeader("Cache-Control", "no-store");
        if (req.getServletPath().startsWith("/readyz")) {
            List<String> missing =
                    registry instanceof HealthRegistryImpl impl ? impl.missingRequired(entries) : List.of();
            boolean ready = registry.ready();
            body.put("ready", ready);
            if (!missing.isEmpty()) {
                body.put("waitingFor", missing);
            }
            body.put("checks", checks);
            writeJson(resp, ready ? 200 : 503, body);
        } else {
            HealthStatus overall = registry.overall();
            body.put("status", overall.name());
            body.put("checks", checks);
            writeJson(resp, overall == HealthStatus.DOWN ? 503 : 200, body);
        }
    }
}
