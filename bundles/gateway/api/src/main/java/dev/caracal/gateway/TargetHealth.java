package dev.caracal.gateway;

import java.time.Instant;

/**
 * What the gateway knows about a target now: its circuit breaker's state, consecutive failures, counts, the recent
 * latency (an exponentially weighted average, 0 before the first success), when an open breaker lets a probe
 * through, and the last error.
 */
public record TargetHealth(
        Target target,
        BreakerState state,
        boolean providerPresent,
        int consecutiveFailures,
        long successes,
        long failures,
        double latencyMillis,
        Instant retryAt,
        String lastError) {
    /** A circuit breaker's state: CLOSED passes calls, OPEN refuses them, HALF_OPEN lets probes through. */
    public enum BreakerState {
        CLOSED,
        OPEN,
        HALF_OPEN
    }
}
