package dev.caracal.gateway.core.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each configured LLM provider stands after the container starts, and what that means for health and
 * readiness. Pure: the facts come from {@link ProvidersHealth}.
 *
 * <p>A provider configured in {@code etc/} is <em>attached</em> once it has registered its services; it is
 * <em>settled</em> once its component has either attached or given up (its activation failed, a reference it needs is
 * missing, or its bundle is not installed). Readiness waits only for providers that are not settled yet: one broken
 * configuration is reported, it does not hold the container out of service forever.
 */
final class ProviderStartup {
    private ProviderStartup() {}

    /** How far a configured provider has come. */
    enum Stage {
        /** Its services are registered: chat calls can reach it. */
        ATTACHED,
        /** Its component exists and is being activated (or will be shortly). */
        STARTING,
        /** Its bundle is not active: nothing will ever activate this configuration until it is installed. */
        NO_BUNDLE,
        /** Its component gave up: activation failed, or it waits for a reference nothing provides. */
        FAILED
    }

    /**
     * One provider configuration.
     *
     * @param pid the configuration's PID ({@code dev.caracal.llm.openai~main} or similar)
     * @param factoryPid the provider kind's factory PID, which is also its bundle's symbolic name
     * @param id the configured provider id, or null when the configuration has none
     */
    record Provider(String pid, String factoryPid, String id, Stage stage) {
        String label() {
            return "provider '" + (id == null ? pid : id) + "'";
        }
    }

    /** Ready when no provider is still starting. */
    static boolean ready(List<Provider> providers) {
        return providers.stream().noneMatch(p -> p.stage() == Stage.STARTING);
    }

    /** UP when every configured provider is attached; DEGRADED, naming each one that is not and why, otherwise. */
    static HealthCheck.Result result(List<Provider> providers) {
        if (providers.isEmpty()) {
            return HealthCheck.Result.up("no LLM provider is configured (etc/dev.caracal.llm.*.cfg)");
        }
        List<String> problems = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        int attached = 0;
        for (Provider p : providers) {
            details.put(p.id() == null ? p.pid() : p.id(), p.stage().name().toLowerCase(java.util.Locale.ROOT));
            switch (p.stage()) {
                case ATTACHED -> attached++;
                case STARTING -> problems.add(p.label() + " is starting");
                case NO_BUNDLE ->
                    problems.add(p.label() + " is configured but its bundle " + p.factoryPid()
                            + " is not active (feature:install " + feature(p.factoryPid()) + ")");
                case FAILED ->
                    problems.add(
                            p.label() + " did not start: its configuration " + p.pid() + " was refused (see the log)");
            }
        }
        if (problems.isEmpty()) {
            return new HealthCheck.Result(HealthStatus.UP, attached + " configured provider(s) attached", details);
        }
        return new HealthCheck.Result(HealthStatus.DEGRADED, String.join("; ", problems), details);
    }

    /** The feature of a provider bundle, by the naming convention: dev.caracal.llm.openai -> caracal-llm-openai. */
    static String feature(String factoryPid) {
        return factoryPid.replace("dev.caracal.", "caracal-").replace('.', '-');
    }
}
