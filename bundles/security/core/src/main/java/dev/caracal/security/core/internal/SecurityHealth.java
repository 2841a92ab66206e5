package dev.caracal.security.core.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import java.util.Map;

/**
 * The {@code security} health check: UP while every request needs a key; DEGRADED, loudly, while authentication is
 * turned off (ready all the same: it is the operator's choice, but {@code /healthz}, {@code /readyz} and
 * {@code caracal:status} say it).
 */
final class SecurityHealth implements HealthCheck {
    private final Guard guard;
    private final KeyIndex keys;

    SecurityHealth(Guard guard, KeyIndex keys) {
        this.guard = guard;
        this.keys = keys;
    }

    @Override
    public String name() {
        return "security";
    }

    @Override
    public Result check() {
        Guard.Settings s = guard.settings();
        Map<String, Object> details =
                Map.of("authentication", s.authentication(), "keys", keys.rows().size());
        if (!s.authentication()) {
            return new Result(
                    HealthStatus.DEGRADED,
                    "AUTHENTICATION IS OFF (etc/dev.caracal.security.cfg): every request acts as admin of the default "
                            + "tenant",
                    details);
        }
        return new Result(HealthStatus.UP, "every request but /healthz and /readyz needs an API key", details);
    }

    @Override
    public boolean readiness() {
        return true;
    }
}
