package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.TestSupport.ask;
import static dev.caracal.llm.testkit.ProviderTests.assertBatchResults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Model listing (upstream and configured) and batches with bounded concurrency. */
class ModelsAndBatchTest {

    private static MockUpstream upstream;
    private static AnthropicChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                // aimock's /v1/models lists the models that fixtures match on
                .fixture(Fixture.whenUserSays("opus only")
                        .model("claude-opus-4-1")
                        .reply("opus"))
                .fixture(Fixture.whenUserSays("haiku only")
                        .model("claude-haiku-4-5")
                        .reply("haiku"))
                .fixture(Fixture.whenUserSays("bad item").error(400, "invalid_request_error", "bad item"))
                .fixture(Fixture.whenUserSays("batch item").reply("done").chaos(Chaos.latency(150)))
                .start();
        model = new AnthropicChatModel(
                TestSupport.settings(upstream.baseUrl(), Map.of("maxConcurrency", 4, "models", "claude-sonnet-4-5")));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    @Test
    void listsTheUpstreamModels() {
        List<ModelInfo> models = model.models();
        assertEquals(
                List.of("claude-opus-4-1", "claude-haiku-4-5"),
                models.stream().map(ModelInfo::id).toList());
        assertTrue(models.stream().allMatch(m -> m.providerId().equals("mock")));
        Capabilities c = models.get(0).capabilities();
        assertTrue(c.streaming() && c.tools() && c.vision());
        assertFalse(c.embeddings());
        assertEquals(200_000, c.contextTokens());
        // aimock does not journal GET /v1/models; the key is shown to reach it in ProviderAndSecretsTest
    }

    @Test
    void fallsBackToTheConfiguredModels() {
        String deadBase;
        try (MockUpstream dead = MockUpstream.start()) {
            deadBase = dead.baseUrl();
        }
        try (AnthropicChatModel offline = new AnthropicChatModel(
                TestSupport.settings(deadBase, Map.of("models", "claude-sonnet-4-5, claude-2.1, claude-sonnet-4-5")))) {
            List<ModelInfo> models = offline.models();
            assertEquals(
                    List.of("claude-sonnet-4-5", "claude-2.1"),
                    models.stream().map(ModelInfo::id).toList());
            assertFalse(models.get(1).capabilities().vision());
            assertEquals(200_000, models.get(1).capabilities().contextTokens());
        }
    }

    @Test
    void capabilitiesByName() {
        assertEquals(100_000, ModelCatalog.capabilities("claude-instant-1.2").contextTokens());
        assertEquals(0, ModelCatalog.capabilities("my-proxy-model").contextTokens());
        assertFalse(ModelCatalog.capabilities("my-proxy-model").vision());
    }

    @Test
    void batchRespectsTheConcurrencyBound() throws Exception {
        upstream.resetStats();
        List<ChatRequest> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(ask("batch item " + i));
        }
        requests.add(2, ask("bad item"));
        List<CompletionStage<ChatResponse>> results = model.batch(requests, 2);
        assertEquals(7, results.size());
        assertBatchResults(results, 2, "done");
        // counted by the mock: never more than two of this batch in flight at once
        assertTrue(upstream.stats().maxInFlight() <= 2, upstream.stats().toString());
        assertEquals(7, upstream.stats().requests());
    }

    @Test
    void batchIsCappedByTheConfiguredConcurrency() throws Exception {
        upstream.resetStats();
        List<ChatRequest> requests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            requests.add(ask("batch item " + i));
        }
        for (CompletionStage<ChatResponse> r : model.batch(requests, 100)) {
            assertEquals(
                    "done", r.toCompletableFuture().get(30, TimeUnit.SECONDS).text());
        }
        assertTrue(upstream.stats().maxInFlight() <= 4, upstream.stats().toString());
        assertEquals(10, upstream.stats().requests());
    }
}
