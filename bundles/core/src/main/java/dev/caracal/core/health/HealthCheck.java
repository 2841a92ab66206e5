package dev.caracal.core.health;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A component's view of its own health, registered as a service. {@link #readiness()} says whether it can serve
 * requests yet (for {@code /readyz}); {@link #check()} says how it is doing now (for {@code /healthz}). Both must be
 * cheap and must not block.
 */
@ConsumerType
public interface HealthCheck {

    /** A short stable name, such as {@code vector-store}. */
    String name();

    Result check();

    /** Whether the component has finished starting; by default ready once it is not {@code DOWN}. */
    default boolean readiness() {
        return check().status() != HealthStatus.DOWN;
    }

    /** A status, a human message, and details for the JSON report. */
    record Result(HealthStatus status, String message, Map<String, Object> details) {
        public Result {
            details = details == null ? Map.of() : Map.copyOf(details);
        }

        public static Result up(String message) {
            return new Result(HealthStatus.UP, message, Map.of());
        }

        public static Result degraded(String message) {
            return new Result(HealthStatus.DEGRADED, message, Map.of());
        }

        public static Result down(String message) {
            return new Result(HealthStatus.DOWN, message, Map.of());
        }
    }
}
