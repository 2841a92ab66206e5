package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.AnthropicUnderTest.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;
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
 * Prompt-cache breakpoints on a system block, a user text, an image, a tool result and a tool reach the wire on the
 * very blocks they were on, read through a {@link RecordingProxy} in front of aimock (whose journal shows requests in
 * its own OpenAI-like form, without markers).
 */
class PromptCachingWireTest extends ProviderScenarios<AnthropicChatModel> {
    private static final CacheControl HOUR = new CacheControl("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");

    private RecordingProxy proxy;
    private AnthropicChatModel proxied;

    PromptCachingWireTest() {
        super(AnthropicUnderTest.PROVIDER);
    }

    @Override
    protected List<Fixture> scenarioFixtures() {
        return List.of(Fixture.whenToolOffered("shelve").reply("Floor 2."));
    }

    @BeforeAll
    void startProxy() throws Exception {
        proxy = new RecordingProxy(upstream().baseUrl());
        proxied = new AnthropicChatModel(AnthropicUnderTest.settings(proxy.baseUrl(), Map.of()));
    }

    @AfterAll
    void stopProxy() throws Exception {
        ProviderTests.closeAll(proxied, proxy);
    }

    @Test
    void everyMarkerArrivesOnItsBlock() {
        ChatRequest request = ChatRequests.to(MODEL)
                .systemBlocks(
                        new ContentPart.Text("You are the librarian of the wire test.", HOUR),
                        new ContentPart.Text("Be brief."))
                .messages(
                        new Message(
                                Role.USER,
                                List.of(
                                        new ContentPart.Text("The catalogue follows.", CacheControl.EPHEMERAL),
                                        new ContentPart.Image(
                                                "image/png", "iVBORw0KGgo=", null, null, CacheControl.EPHEMERAL),
                                        new ContentPart.Text("Find Dune."))),
                        new Message(
                                Role.ASSISTANT,
                                List.of(new ContentPart.ToolUse("toolu_1", "lookup", "{\"q\":\"Dune\"}"))),
                        new Message(
                                Role.USER,
                                List.of(
                                        new ContentPart.ToolResult(
                                                "toolu_1",
                                                List.of(new ContentPart.Text("shelf 4")),
                                                false,
                                                CacheControl.EPHEMERAL),
                                        new ContentPart.Text("Which floor?"))))
                .tools(
                        new ToolDefinition("lookup", null, "{\"type\":\"object\"}"),
                        new ToolDefinition("shelve", null, "{\"type\":\"object\"}", null, HOUR))
                .build();
        assertEquals("Floor 2.", proxied.complete(request).text());

        JsonNode sent = proxy.lastBodyWith("librarian of the wire test");
        JsonNode hour = Json.tryParse(HOUR.json());
        JsonNode ephemeral = Json.tryParse(CacheControl.EPHEMERAL.json());
        assertEquals(hour, sent.at("/system/0/cache_control"));
        assertTrue(sent.at("/system/1/cache_control").isMissingNode(), sent.toString());
        assertEquals(ephemeral, sent.at("/messages/0/content/0/cache_control"));
        assertEquals("image", sent.at("/messages/0/content/1/type").asText());
        assertEquals(ephemeral, sent.at("/messages/0/content/1/cache_control"));
        assertTrue(sent.at("/messages/0/content/2/cache_control").isMissingNode(), sent.toString());
        assertTrue(sent.at("/messages/1/content/0/cache_control").isMissingNode(), sent.toString());
        assertEquals("tool_result", sent.at("/messages/2/content/0/type").asText());
        assertEquals(ephemeral, sent.at("/messages/2/content/0/cache_control"));
        assertTrue(sent.at("/tools/0/cache_control").isMissingNode(), sent.toString());
        assertEquals(hour, sent.at("/tools/1/cache_control"));
    }
}
