package dev.caracal.core.health;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** Aggregates every registered {@link HealthCheck}. */
@ProviderType
public interface HealthRegistry {

    /** One named check's outcome. */
    record Entry(String name, HealthCheck.Result result, boolean ready) {}

    /** Every check, sorted by name. */
    List<Entry> entries();

    /** The worst status of all checks ({@code UP} when there are none). */
    HealthStatus overall();

    /** Whether every check is ready. */
    boolean ready();
}
