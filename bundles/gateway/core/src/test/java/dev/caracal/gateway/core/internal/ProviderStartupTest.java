package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.gateway.core.internal.ProviderStartup.Provider;
import dev.caracal.gateway.core.internal.ProviderStartup.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderStartupTest {
    static Provider provider(String id, Stage stage) {
        return new Provider("dev.caracal.llm.openai~" + id, "dev.caracal.llm.openai", id, stage);
    }

    @Test
    void noProviderConfiguredIsReadyAndUp() {
        assertTrue(ProviderStartup.ready(List.of()));
        assertEquals(HealthStatus.UP, ProviderStartup.result(List.of()).status());
    }

    @Test
    void aProviderStillStartingHoldsReadiness() {
        List<Provider> providers = List.of(provider("main", Stage.ATTACHED), provider("backup", Stage.STARTING));
        assertFalse(ProviderStartup.ready(providers));
        HealthCheck.Result result = ProviderStartup.result(providers);
        assertEquals(HealthStatus.DEGRADED, result.status());
        assertEquals("provider 'backup' is starting", result.message());
        assertEquals("starting", result.details().get("backup"));
        assertEquals("attached", result.details().get("main"));
    }

    @Test
    void everyProviderAttachedIsUp() {
        List<Provider> providers = List.of(provider("main", Stage.ATTACHED), provider("backup", Stage.ATTACHED));
        assertTrue(ProviderStartup.ready(providers));
        assertEquals(
                new HealthCheck.Result(
                        HealthStatus.UP,
                        "2 configured provider(s) attached",
                        java.util.Map.of("main", "attached", "backup", "attached")),
                ProviderStartup.result(providers));
    }

    /** A broken configuration or a missing bundle is reported, and does not hold the container out of service. */
    @Test
    void providersThatGaveUpAreReportedButDoNotHoldReadiness() {
        List<Provider> providers = List.of(
                provider("main", Stage.ATTACHED),
                provider("broken", Stage.FAILED),
                new Provider("dev.caracal.llm.ollama~local", "dev.caracal.llm.ollama", "local", Stage.NO_BUNDLE),
                new Provider("dev.caracal.llm.anthropic~x", "dev.caracal.llm.anthropic", null, Stage.FAILED));
        assertTrue(ProviderStartup.ready(providers));
        HealthCheck.Result result = ProviderStartup.result(providers);
        assertEquals(HealthStatus.DEGRADED, result.status());
        assertEquals(
                "provider 'broken' did not start: its configuration dev.caracal.llm.openai~broken was refused (see the "
                        + "log); provider 'local' is configured but its bundle dev.caracal.llm.ollama is not active "
                        + "(feature:install caracal-llm-ollama); provider 'dev.caracal.llm.anthropic~x' did not start: "
                        + "its configuration dev.caracal.llm.anthropic~x was refused (see the log)",
                result.message());
    }

    @Test
    void ldapValuesAreEscaped() {
        assertEquals("a\\2ab\\28c\\29", ProvidersHealth.escape("a*b(c)"));
    }
}
