package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.AnthropicUnderTest.MODEL;
import static dev.caracal.llm.anthropic.internal.AnthropicUnderTest.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.Usage;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.JournalEntry;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Complete (non-streamed) messages against aimock's Anthropic /v1/messages. */
class MessagesTest {

    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}," + "\"required\":[\"city\"]}";

    private static MockUpstream upstream;
    private static AnthropicChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("hello")
                        .reply("Hi there!")
                        .usage(12, 3)
                        .responseId("msg_hello")
                        .answeredBy("claude-sonnet-4-5-20250929"))
                .fixture(Fixture.whenSystemSays("pirate").reply("Arr, matey."))
                .fixture(Fixture.whenToolResult("toolu_01").reply("It is 18 degrees in Paris."))
                .fixture(Fixture.whenUserSays("weather").toolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}"))
                .fixture(Fixture.whenUserSays("both")
                        .reply("Let me check.")
                        .toolCall("toolu_02", "get_weather", "{\"city\":\"Oslo\"}"))
                .fixture(Fixture.whenUserSays("describe this image").reply("A red square."))
                .fixture(Fixture.whenUserSays("cut short").reply("Once upon").finishReason("length"))
                .fixture(Fixture.whenUserSays("until stop").reply("one two").finishReason("stop_sequence"))
                .fixture(Fixture.whenUserSays("parameters").reply("ok"))
                .start();
        model = new AnthropicChatModel(AnthropicUnderTest.settings(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    private static JournalEntry lastRequestWith(String text) {
        List<JournalEntry> entries = upstream.journal("/v1/messages").stream()
                .filter(e -> e.body() != null && e.body().toString().contains(text))
                .toList();
        assertTrue(!entries.isEmpty(), "no request with " + text);
        return entries.get(entries.size() - 1);
    }

    @Test
    void completesText() {
        ChatResponse response = model.complete(ask("hello"));
        assertEquals("Hi there!", response.text());
        assertEquals("msg_hello", response.id());
        assertEquals("claude-sonnet-4-5-20250929", response.model());
        assertEquals(StopReason.END_TURN, response.stopReason());
        assertEquals(new Usage(12, 3, 0, 0), response.usage());
        JournalEntry sent = lastRequestWith("hello");
        assertEquals("2023-06-01", sent.header("anthropic-version"));
        assertTrue(sent.header("x-api-key") != null, "the key header is sent (aimock shows it redacted)");
        assertEquals(4096, sent.body().path("max_tokens").asInt(), "the configured default max_tokens");
        assertEquals(MODEL, sent.body().path("model").asText());
    }

    @Test
    void sendsTheSystemPrompt() {
        ChatRequest request = ChatRequests.to(MODEL)
                .system("You are a pirate.")
                .user("greet me")
                .build();
        assertEquals("Arr, matey.", model.complete(request).text());
        JsonNode messages = lastRequestWith("pirate").body().path("messages");
        assertEquals("system", messages.path(0).path("role").asText());
        assertEquals("You are a pirate.", messages.path(0).path("content").asText());
    }

    @Test
    void toolRoundTrip() {
        ToolDefinition weather = new ToolDefinition("get_weather", "Current weather", WEATHER_SCHEMA);
        ChatRequest first = ChatRequests.to(MODEL)
                .user("What is the weather in Paris?")
                .tools(weather)
                .toolChoice(ToolChoice.AUTO)
                .build();
        ChatResponse call = model.complete(first);
        assertEquals(StopReason.TOOL_USE, call.stopReason());
        ContentPart.ToolUse use =
                assertInstanceOf(ContentPart.ToolUse.class, call.content().get(0));
        assertEquals("toolu_01", use.id());
        assertEquals("get_weather", use.name());
        assertEquals("{\"city\":\"Paris\"}", use.argumentsJson());
        JsonNode offered =
                lastRequestWith("weather in Paris").body().path("tools").path(0).path("function");
        assertEquals("get_weather", offered.path("name").asText());
        assertEquals(
                "string",
                offered.path("parameters")
                        .path("properties")
                        .path("city")
                        .path("type")
                        .asText());

        // the OpenAI-shaped TOOL message becomes a user turn with a tool_result block
        ChatRequest second = ChatRequests.to(MODEL)
                .messages(
                        Message.user("What is the weather in Paris?"),
                        new Message(Role.ASSISTANT, call.content()),
                        new Message(
                                Role.TOOL,
                                List.of(new ContentPart.ToolResult(
                                        "toolu_01", List.of(new ContentPart.Text("18C, sunny")), false))))
                .tools(weather)
                .build();
        ChatResponse answer = model.complete(second);
        assertEquals("It is 18 degrees in Paris.", answer.text());
        assertEquals(StopReason.END_TURN, answer.stopReason());
        // aimock journals the request in its OpenAI form: the tool_result arrived as the result of toolu_01
        JsonNode messages = lastRequestWith("18C, sunny").body().path("messages");
        JsonNode result = messages.path(messages.size() - 1);
        assertEquals("tool", result.path("role").asText());
        assertEquals("toolu_01", result.path("tool_call_id").asText());
        assertEquals("18C, sunny", result.path("content").asText());
        JsonNode assistant = messages.path(messages.size() - 2);
        assertEquals("toolu_01", assistant.path("tool_calls").path(0).path("id").asText());
    }

    @Test
    void textAndToolCallInOneAnswer() {
        ChatResponse response = model.complete(ChatRequests.to(MODEL)
                .user("both please")
                .tools(new ToolDefinition("get_weather", null, WEATHER_SCHEMA))
                .build());
        assertEquals(2, response.content().size());
        assertEquals("Let me check.", response.text());
        assertEquals(
                "toolu_02",
                assertInstanceOf(ContentPart.ToolUse.class, response.content().get(1))
                        .id());
        assertEquals(StopReason.TOOL_USE, response.stopReason());
    }

    @Test
    void sendsImages() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Image(
                                "image/png",
                                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                                null),
                        new ContentPart.Image(null, null, "https://example.com/cat.jpg"),
                        new ContentPart.Text("describe this image")));
        ChatResponse response =
                model.complete(ChatRequests.to(MODEL).messages(user).build());
        assertEquals("A red square.", response.text());
        // aimock accepts the image blocks but keeps only the text of a message (see the README)
        assertEquals(
                "describe this image",
                lastRequestWith("describe this image")
                        .body()
                        .path("messages")
                        .path(0)
                        .path("content")
                        .asText());
    }

    @Test
    void mapsStopReasons() {
        assertEquals(StopReason.MAX_TOKENS, model.complete(ask("cut short")).stopReason());
        assertEquals(StopReason.STOP_SEQUENCE, model.complete(ask("until stop")).stopReason());
    }

    @Test
    void sendsSamplingParameters() {
        ChatRequest request = ChatRequests.to(MODEL)
                .user("parameters")
                .sampling(new SamplingParameters(0.3, 0.9, 40, 123, null, null, null))
                .stop("END")
                .metadata(Map.of("user", "user-42"))
                .build();
        assertEquals("ok", model.complete(request).text());
        JsonNode sent = lastRequestWith("parameters").body();
        assertEquals(123, sent.path("max_tokens").asInt());
        assertEquals(0.3, sent.path("temperature").asDouble());
    }
}
