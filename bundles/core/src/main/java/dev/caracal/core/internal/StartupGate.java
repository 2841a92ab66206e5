package dev.caracal.core.internal;

import dev.caracal.core.health.HealthRegistry;
import dev.caracal.core.http.SurfaceErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Holds the API surfaces closed while Caracal starts: until the health registry is ready for the first time, every
 * {@code /api/...} and {@code /v1/...} request is answered 503 with {@code Retry-After} in the surface's own error
 * shape (problem+json on {@code /api}, the vendor's envelope on {@code /v1}), naming what is still starting. Without
 * it a client polling at startup met 404s and an empty model list from surfaces whose plugins had not attached yet.
 * Once ready the gate stays open for good: a plugin leaving later is hot swap, reported by health, not an outage.
 * {@code /healthz} and {@code /readyz} always pass.
 */
final class StartupGate {
    static final String RETRY_AFTER_SECONDS = "1";

    private final Supplier<HealthRegistry> registry;
    private volatile boolean open;

    StartupGate(Supplier<HealthRegistry> registry) {
        this.registry = registry;
    }

    boolean isOpen() {
        return open;
    }

    /** True when the request may go on; otherwise the 503 has been written. */
    boolean admit(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (open) {
            return true;
        }
        String path = SurfaceErrors.path(req);
        if (!path.startsWith("/api/") && !path.equals("/api") && !path.startsWith("/v1/") && !path.equals("/v1")) {
            return true;
        }
        HealthRegistry health = registry.get();
        if (health != null && health.ready()) {
            open = true;
            return true;
        }
        String detail = "Caracal is starting: " + waitingFor(health) + "; retry in a moment";
        resp.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        SurfaceErrors.write(req, resp, path, 503, "starting", "Starting", detail);
        return false;
    }

    /** What readiness waits for, in words: required checks not registered yet, then checks not ready. */
    static String waitingFor(HealthRegistry health) {
        if (health == null) {
            return "the health registry has not started";
        }
        List<HealthRegistry.Entry> entries = health.entries();
        List<String> waiting = new ArrayList<>();
        if (health instanceof HealthRegistryImpl impl) {
            for (String name : impl.missingRequired(entries)) {
                waiting.add(name + " (not started)");
            }
        }
        for (HealthRegistry.Entry e : entries) {
            if (!e.ready()) {
                String message = e.result().message();
                waiting.add(e.name() + (message == null || message.isBlank() ? "" : " (" + message + ")"));
            }
        }
        return waiting.isEmpty() ? "finishing" : "waiting for " + String.join(", ", waiting);
    }
}
