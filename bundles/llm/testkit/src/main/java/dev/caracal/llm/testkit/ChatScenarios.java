package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole answers against aimock: text with its id, model, usage and stop reason, the system prompt, a tool call and
 * its result handed back, parallel tool calls. aimock journals every request in its OpenAI-like form, whatever the
 * wire, so what was sent is checked in that form; each provider checks its own request shape in its own tests.
 *
 * @param <M> the provider's chat model
 */
public abstract class ChatScenarios<M extends ChatModel & AutoCloseable> extends ProviderScenarios<M> {

    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    private static final String PARIS = "{\"city\":\"Paris\"}";

    protected ChatScenarios(ProviderUnderTest<M> provider) {
        super(provider);
    }

    @Override
    protected List<Fixture> scenarioFixtures() {
        return List.of(
                Fixture.whenUserSays("hello")
                        .reply("Hi there!")
                        .usage(12, 3)
                        .responseId(wire.answerId("hello"))
                        .answeredBy(answeringModel()),
                // the tool result leg first: the user message of that leg still says "weather"
                Fixture.always().toolResultContains("18 degrees").reply("It is 18 degrees in Paris."),
                Fixture.whenUserSays("weather").toolCall(wire.toolCallId("w1"), "get_weather", PARIS),
                Fixture.whenUserSays("two tools")
                        .reply("Checking both.")
                        .toolCall(wire.toolCallId("a"), "get_weather", "{\"city\":\"Oslo\"}")
                        .toolCall(wire.toolCallId("b"), "get_time", "{\"tz\":\"CET\"}"),
                Fixture.whenSystemSays("pirate").reply("Arr, matey."),
                Fixture.whenUserSays("cut short").reply("Once upon").finishReason("length"));
    }

    /** The model name the upstream answers {@code hello} with: the version of the model asked for. */
    private String answeringModel() {
        return provider.model() + "-2025-06-01";
    }

    /** The body of the last chat request, as aimock journaled it. */
    protected final JsonNode lastRequestBody() {
        List<JournalEntry> sent = upstream().journal(wire.chatPath());
        return sent.get(sent.size() - 1).body();
    }

    @Test
    void completesText() {
        ChatResponse response = model().complete(ask("hello there"));
        assertEquals("Hi there!", response.text());
        wire.assertAnswerId("hello", response.id());
        String answered = wire.reportsAnswerDetails() ? answeringModel() : provider.model();
        assertEquals(answered, response.model(), "the model that answered");
        assertEquals(StopReason.END_TURN, response.stopReason());
        assertEquals(wire.usage(12, 3), response.usage());
        assertEquals(provider.model(), lastRequestBody().path("model").asText());
    }

    @Test
    void sendsTheSystemPrompt() {
        assertEquals(
                "Arr, matey.",
                model().complete(request()
                                .system("You are a pirate.")
                                .user("greet me")
                                .build())
                        .text());
        JsonNode messages = lastRequestBody().path("messages");
        assertEquals("system", messages.path(0).path("role").asText());
        assertEquals("You are a pirate.", messages.path(0).path("content").asText());
    }

    @Test
    void aToolCallAndItsResultMakeARoundTrip() {
        ToolDefinition weather = new ToolDefinition("get_weather", "Current weather of a city", WEATHER_SCHEMA);
        List<Message> conversation = new ArrayList<>(List.of(Message.user("What is the weather in Paris?")));
        ChatResponse call =
                model().complete(request().messages(conversation).tools(weather).build());
        assertEquals(StopReason.TOOL_USE, call.stopReason());
        assertEquals(1, call.content().size(), call.content().toString());
        ContentPart.ToolUse use =
                assertInstanceOf(ContentPart.ToolUse.class, call.content().get(0));
        wire.assertToolCallId("w1", use.id());
        assertEquals("get_weather", use.name());
        assertEquals(PARIS, use.argumentsJson());
        JsonNode offered = lastRequestBody().path("tools").path(0).path("function");
        assertEquals("get_weather", offered.path("name").asText());
        assertEquals(Json.tryParse(WEATHER_SCHEMA), offered.path("parameters"));

        conversation.add(new Message(Role.ASSISTANT, call.content()));
        conversation.add(new Message(
                Role.TOOL,
                List.of(new ContentPart.ToolResult(
                        use.id(), List.of(new ContentPart.Text("18 degrees, sunny")), false))));
        ChatResponse answer =
                model().complete(request().messages(conversation).tools(weather).build());
        assertEquals("It is 18 degrees in Paris.", answer.text());
        assertEquals(StopReason.END_TURN, answer.stopReason());
        JsonNode messages = lastRequestBody().path("messages");
        JsonNode assistant = messages.path(1).path("tool_calls").path(0);
        assertEquals("get_weather", assistant.path("function").path("name").asText());
        assertEquals(
                Json.tryParse(PARIS),
                Json.tryParse(assistant.path("function").path("arguments").asText()));
        JsonNode result = messages.path(2);
        assertEquals("tool", result.path("role").asText());
        assertEquals("18 degrees, sunny", result.path("content").asText());
        if (wire.carriesIds()) {
            assertEquals(use.id(), assistant.path("id").asText());
            assertEquals(use.id(), result.path("tool_call_id").asText());
        }
    }

    @Test
    void textWithParallelToolCalls() {
        ChatResponse response = model().complete(request()
                .user("use two tools")
                .tools(new ToolDefinition("get_weather", null, null), new ToolDefinition("get_time", null, null))
                .build());
        assertEquals("Checking both.", response.text());
        assertEquals(StopReason.TOOL_USE, response.stopReason());
        assertEquals(3, response.content().size(), response.content().toString());
        ContentPart.ToolUse weather =
                assertInstanceOf(ContentPart.ToolUse.class, response.content().get(1));
        ContentPart.ToolUse time =
                assertInstanceOf(ContentPart.ToolUse.class, response.content().get(2));
        assertEquals(List.of("get_weather", "get_time"), List.of(weather.name(), time.name()));
        wire.assertToolCallId("a", weather.id());
        wire.assertToolCallId("b", time.id());
        assertNotEquals(weather.id(), time.id());
        assertEquals("{\"tz\":\"CET\"}", time.argumentsJson());
    }

    @Test
    void anAnswerCutAtItsLengthStopsAtMaxTokens() {
        assumeTrue(wire.reportsAnswerDetails(), "aimock's " + provider.kind() + " surface reports no finish reason");
        ChatResponse response = model().complete(ask("cut short"));
        assertEquals("Once upon", response.text());
        assertEquals(StopReason.MAX_TOKENS, response.stopReason());
    }
}
