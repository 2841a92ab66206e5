package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.AnthropicUnderTest.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.ProviderScenarios;
import dev.caracal.llm.testkit.ProviderTests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an Anthropic client sent beyond the normalized request reaches the wire as it sent it: body members byte for
 * byte, and the allow-listed headers (its {@code anthropic-version} over the configured one, its
 * {@code anthropic-beta} joined to the configured betas), checked through a {@link RecordingProxy} in front of aimock,
 * whose journal shows requests in its own normalized form.
 */
class PassThroughTest extends ProviderScenarios<AnthropicChatModel> {
    private RecordingProxy proxy;
    private AnthropicChatModel proxied;

    PassThroughTest() {
        super(AnthropicUnderTest.PROVIDER);
    }

    @Override
    protected List<Fixture> scenarioFixtures() {
        return List.of(Fixture.whenUserSays("pass it on").reply("passed"));
    }

    @BeforeAll
    void startProxy() throws Exception {
        proxy = new RecordingProxy(upstream().baseUrl());
        proxied = new AnthropicChatModel(AnthropicUnderTest.settings(
                proxy.baseUrl(), Map.of("betas", "prompt-caching-2024-07-31", "anthropicVersion", "2023-06-01")));
    }

    @AfterAll
    void stopProxy() throws Exception {
        ProviderTests.closeAll(proxied, proxy);
    }

    @Test
    void extrasAndListedHeadersReachTheWireAsTheClientSentThem() {
        ChatRequest request = ChatRequests.ask(MODEL, "pass it on")
                .withExtras(new RequestExtras(
                        "anthropic",
                        Map.of("service_tier", "\"standard_only\"", "a_field_from_next_month", "{\"n\":1.50}"),
                        Map.of(
                                "anthropic-beta", "files-api-2025-04-14",
                                "anthropic-version", "2023-06-01",
                                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                                "x-not-listed", "secret-ish")));
        assertEquals("passed", proxied.complete(request).text());
        JsonNode sent = proxy.lastBodyWith("pass it on");
        assertEquals("standard_only", sent.path("service_tier").asText());
        assertEquals(1.5, sent.at("/a_field_from_next_month/n").asDouble());
        Map<String, String> headers = proxy.lastHeadersWith("pass it on");
        assertEquals("prompt-caching-2024-07-31,files-api-2025-04-14", headers.get("anthropic-beta"));
        assertEquals("2023-06-01", headers.get("anthropic-version"));
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", headers.get("traceparent"));
        assertFalse(headers.containsKey("x-not-listed"), headers.toString());
    }
}
