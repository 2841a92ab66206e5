package dev.caracal.gateway.core.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's settings (PID {@code dev.caracal.gateway}) in the units the engine uses. Immutable: a configuration
 * change swaps the whole object, so one call sees one consistent set.
 *
 * @param failureThreshold consecutive retryable failures that open a target's breaker
 * @param openNanos        how long a breaker stays open the first time
 * @param maxOpenNanos     the cap of the doubling open period
 * @param halfOpenProbes   concurrent calls let through a half-open breaker
 * @param maxAttempts      targets tried per call at most; 0 means all of them
 * @param halfLifeNanos    the half-life of the latency average
 * @param routeHeader      whether the {@code x-caracal-route} header may override the requested model
 * @param providerPreference the provider ids an implicit route tries first, in order ({@link ProviderPreference})
 */
public record Settings(
        int failureThreshold,
        long openNanos,
        long maxOpenNanos,
        int halfOpenProbes,
        int maxAttempts,
        long halfLifeNanos,
        boolean routeHeader,
        List<String> providerPreference) {
    public static final Settings DEFAULTS = of(5, 10, 300, 1, 0, 30, true);

    /** Settings without a provider preference. */
    public Settings(
            int failureThreshold,
            long openNanos,
            long maxOpenNanos,
            int halfOpenProbes,
            int maxAttempts,
            long halfLifeNanos,
            boolean routeHeader) {
        this(
                failureThreshold,
                openNanos,
                maxOpenNanos,
                halfOpenProbes,
                maxAttempts,
                halfLifeNanos,
                routeHeader,
                List.of());
    }

    public Settings {
        failureThreshold = Math.max(1, failureThreshold);
        openNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), openNanos);
        maxOpenNanos = Math.max(openNanos, maxOpenNanos);
        halfOpenProbes = Math.max(1, halfOpenProbes);
        maxAttempts = Math.max(0, maxAttempts);
        halfLifeNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), halfLifeNanos);
        providerPreference = providerPreference == null ? List.of() : List.copyOf(providerPreference);
    }

    /** These settings with {@code providerIds} as the provider preference. */
    public Settings withProviderPreference(List<String> providerIds) {
        return new Settings(
                failureThreshold,
                openNanos,
                maxOpenNanos,
                halfOpenProbes,
                maxAttempts,
                halfLifeNanos,
                routeHeader,
                providerIds);
    }

    /** Settings from the configuration's units (seconds). */
    public static Settings of(
            int failureThreshold,
            double openSeconds,
            double maxOpenSeconds,
            int halfOpenProbes,
            int maxAttempts,
            double latencyHalfLifeSeconds,
            boolean routeHeader) {
        return new Settings(
                failureThreshold,
                seconds(openSeconds),
                seconds(maxOpenSeconds),
                halfOpenProbes,
                maxAttempts,
                seconds(latencyHalfLifeSeconds),
                routeHeader);
    }

    private static long seconds(double s) {
        return (long) (Math.max(0, s) * 1e9);
    }
}
