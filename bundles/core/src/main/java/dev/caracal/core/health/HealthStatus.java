package dev.caracal.core.health;

/** {@code UP}: working. {@code DEGRADED}: working with less (a plugin absent, a fallback in use). {@code DOWN}: not working. */
public enum HealthStatus {
    UP,
    DEGRADED,
    DOWN;

    /** The worse of two statuses. */
    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
