package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.testkit.ChatRequests;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's own token count ({@code POST /v1/messages/count_tokens}) against a server that speaks that endpoint
 * (aimock does not): the body carries only what the endpoint takes, and a server without the endpoint leaves the
 * count to the gateway's estimate.
 */
class CountTokensTest {
    private HttpServer server;
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/messages/count_tokens", exchange -> {
            try (exchange) {
                bodies.add(Json.tryParse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                byte[] answer = (status == 200
                                ? "{\"input_tokens\":42}"
                                : "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private AnthropicChatModel model() {
        return new AnthropicChatModel(AnthropicUnderTest.settings(
                "http://127.0.0.1:" + server.getAddress().getPort(), Map.of("maxRetries", 0)));
    }

    @Test
    void theVendorCountsOnlyWhatItsEndpointTakes() {
        try (AnthropicChatModel model = model()) {
            OptionalLong n = model.countTokens(ChatRequests.to("claude-x")
                    .system("Be brief.")
                    .user("How many tokens is this?")
                    .build());
            assertEquals(OptionalLong.of(42), n);
        }
        JsonNode sent = bodies.get(0);
        assertEquals("claude-x", sent.path("model").asText());
        assertEquals("Be brief.", sent.path("system").asText());
        assertTrue(sent.has("messages"));
        assertFalse(sent.has("max_tokens"), "count_tokens takes no max_tokens: " + sent);
        assertFalse(sent.has("stream"), sent.toString());
    }

    @Test
    void aServerWithoutTheEndpointLeavesTheCountToTheGateway() {
        status = 404;
        try (AnthropicChatModel model = model()) {
            assertEquals(OptionalLong.empty(), model.countTokens(ChatRequests.ask("claude-x", "hi")));
        }
    }
}
