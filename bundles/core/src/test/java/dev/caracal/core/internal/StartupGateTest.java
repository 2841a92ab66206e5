package dev.caracal.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthRegistry;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.core.json.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StartupGateTest {
    final AtomicBoolean ready = new AtomicBoolean();
    final HealthRegistry registry = new HealthRegistry() {
        @Override
        public List<Entry> entries() {
            return List.of(
                    new Entry("vector-store", HealthCheck.Result.up("open"), true),
                    new Entry(
                            "llm-providers",
                            new HealthCheck.Result(HealthStatus.DEGRADED, "provider 'main' is starting", Map.of()),
                            ready.get()));
        }

        @Override
        public HealthStatus overall() {
            return HealthStatus.UP;
        }

        @Override
        public boolean ready() {
            return ready.get();
        }
    };
    final StartupGate gate = new StartupGate(() -> registry);

    /** Admits or answers {@code path}; returns what the answer recorded. */
    ServletFakes.Recorded call(String path, Map<String, String> headers, boolean expectAdmitted) throws Exception {
        ServletFakes.Recorded r = new ServletFakes.Recorded();
        assertEquals(expectAdmitted, gate.admit(ServletFakes.request(path, headers), r.response()), path);
        return r;
    }

    @Test
    void whileStartingTheApiIsA503InProblemJsonNamingWhatItWaitsFor() throws Exception {
        ServletFakes.Recorded r = call("/api/v1/collections", Map.of(), false);
        assertEquals(503, r.status);
        assertEquals("1", r.headers.get("Retry-After"));
        assertEquals("application/problem+json", r.contentType);
        JsonNode problem = Json.mapper().readTree(r.body());
        assertEquals(503, problem.get("status").asInt());
        assertTrue(problem.get("type").asText().endsWith(":starting"), r.body());
        assertTrue(problem.get("detail").asText().contains("llm-providers (provider 'main' is starting)"), r.body());
    }

    @Test
    void whileStartingV1AnswersInTheVendorsEnvelope() throws Exception {
        JsonNode openai =
                Json.mapper().readTree(call("/v1/models", Map.of(), false).body());
        assertEquals("server_error", openai.at("/error/type").asText());
        assertEquals("starting", openai.at("/error/code").asText());
        assertTrue(openai.at("/error").has("param"));

        JsonNode anthropic = Json.mapper()
                .readTree(call("/v1/models", Map.of("anthropic-version", "2023-06-01"), false)
                        .body());
        assertEquals("error", anthropic.get("type").asText());
        assertEquals("api_error", anthropic.at("/error/type").asText());
        JsonNode messages =
                Json.mapper().readTree(call("/v1/messages", Map.of(), false).body());
        assertEquals("error", messages.get("type").asText(), "the messages path is Anthropic's");
    }

    @Test
    void healthAndOtherPathsAlwaysPass() throws Exception {
        call("/readyz", Map.of(), true);
        call("/healthz", Map.of(), true);
        call("/", Map.of(), true);
        call("/apiary", Map.of(), true);
        assertFalse(gate.isOpen());
    }

    @Test
    void onceReadyTheGateStaysOpen() throws Exception {
        call("/api/v1/collections", Map.of(), false);
        ready.set(true);
        call("/api/v1/collections", Map.of(), true);
        assertTrue(gate.isOpen());
        ready.set(false); // a plugin leaving later is hot swap, not a restart
        call("/v1/chat/completions", Map.of(), true);
    }

    @Test
    void withoutTheRegistryNothingPasses() throws Exception {
        StartupGate alone = new StartupGate(() -> null);
        ServletFakes.Recorded r = new ServletFakes.Recorded();
        assertFalse(alone.admit(ServletFakes.request("/api/v1/collections", Map.of()), r.response()));
        assertTrue(r.body().contains("the health registry has not started"), r.body());
    }
}
