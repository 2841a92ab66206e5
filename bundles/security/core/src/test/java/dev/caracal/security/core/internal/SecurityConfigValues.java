package dev.caracal.security.core.internal;

import dev.caracal.security.limits.RateLimiter;

/** The settings a test gives the guard (what etc/dev.caracal.security.cfg would say). */
record SecurityConfigValues(
        boolean authentication,
        String[] allowedHosts,
        String[] corsOrigins,
        int keyRpm,
        int tenantRpm,
        int globalRpm,
        int failedAuthPerMinute) {

    static SecurityConfigValues defaults() {
        return new SecurityConfigValues(true, new String[0], new String[0], 0, 0, 0, 10);
    }

    SecurityConfigValues withAuthentication(boolean on) {
        return new SecurityConfigValues(
                on, allowedHosts, corsOrigins, keyRpm, tenantRpm, globalRpm, failedAuthPerMinute);
    }

    SecurityConfigValues withCors(String... origins) {
        return new SecurityConfigValues(
                authentication, allowedHosts, origins, keyRpm, tenantRpm, globalRpm, failedAuthPerMinute);
    }

    SecurityConfigValues withLimits(int key, int tenant, int global) {
        return new SecurityConfigValues(
                authentication, allowedHosts, corsOrigins, key, tenant, global, failedAuthPerMinute);
    }

    SecurityConfigValues withFailedAuthPerMinute(int n) {
        return new SecurityConfigValues(authentication, allowedHosts, corsOrigins, keyRpm, tenantRpm, globalRpm, n);
    }

    Guard.Settings settings() {
        return new Guard.Settings(
                authentication,
                new BrowserRules(corsOrigins, allowedHosts),
                new RateLimiter(keyRpm),
                new RateLimiter(tenantRpm),
                new RateLimiter(globalRpm),
                new RateLimiter(failedAuthPerMinute));
    }
}
