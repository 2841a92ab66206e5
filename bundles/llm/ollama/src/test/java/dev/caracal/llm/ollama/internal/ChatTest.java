package dev.caracal.llm.ollama.internal;

import static dev.caracal.llm.ollama.internal.OllamaUnderTest.MODEL;
import static dev.caracal.llm.ollama.internal.OllamaUnderTest.ask;
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
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.JournalEntry;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole (non-streamed) answers from POST /api/chat: text, tool calls and their round trip, images, sampling. */
class ChatTest {

    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    private static MockUpstream upstream;
    private static OllamaChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.always().toolResultContains("18 degrees").reply("It is 18 degrees in Paris."))
                .fixture(Fixture.whenUserSays("weather").toolCall("get_weather", "{\"city\":\"Paris\"}"))
                .fixture(Fixture.whenUserSays("two tools")
                        .reply("Checking both.")
                        .toolCall("get_weather", "{\"city\":\"Oslo\"}")
                        .toolCall("get_time", "{\"tz\":\"CET\"}"))
                .fixture(Fixture.whenSystemSays("pirate").reply("Arr, hello."))
                .fixture(Fixture.whenUserSays("picture").reply("A red square."))
                .fixture(Fixture.whenUserSays("hello").reply("Hi there!"))
                .start();
        model = new OllamaChatModel(OllamaUnderTest.settings(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    private static JsonNode lastChatBody() {
        List<JournalEntry> chats = upstream.journal("/api/chat");
        return chats.get(chats.size() - 1).body();
    }

    @Test
    void completesText() {
        ChatResponse r = model.complete(ask("hello"));
        assertEquals("Hi there!", r.text());
        assertEquals(MODEL, r.model());
        assertEquals(StopReason.END_TURN, r.stopReason());
        assertTrue(r.id().startsWith("ollama-"), r.id());
        JsonNode sent = lastChatBody();
        assertEquals(MODEL, sent.path("model").asText());
        assertEquals(false, sent.path("stream").asBoolean(true), "stream:false was sent");
    }

    @Test
    void sendsTheSystemPromptAndSampling() {
        ChatRequest request = ChatRequests.to(MODEL)
                .system("You are a pirate.")
                .user("greet me")
                .sampling(new SamplingParameters(0.3, null, null, 64, null, null, null))
                .build();
        assertEquals("Arr, hello.", model.complete(request).text());
        JsonNode sent = lastChatBody(); // aimock records the request translated to its chat shape
        assertEquals("system", sent.path("messages").get(0).path("role").asText());
        assertEquals(0.3, sent.path("temperature").asDouble(), 1e-9, "options.temperature");
        assertEquals(64, sent.path("max_tokens").asInt(), "options.num_predict");
    }

    @Test
    void toolCallRoundTrip() {
        ToolDefinition weather = new ToolDefinition("get_weather", "Current weather", WEATHER_SCHEMA);
        List<Message> conversation = new ArrayList<>(List.of(Message.user("What is the weather in Paris?")));
        ChatResponse first = model.complete(
                ChatRequests.to(MODEL).messages(conversation).tools(weather).build());
        assertEquals(StopReason.TOOL_USE, first.stopReason());
        assertEquals(1, first.content().size());
        ContentPart.ToolUse call =
                assertInstanceOf(ContentPart.ToolUse.class, first.content().get(0));
        assertEquals("get_weather", call.name());
        assertEquals(Json.tryParse("{\"city\":\"Paris\"}"), Json.tryParse(call.argumentsJson()));
        assertTrue(call.id().startsWith("call_"), "Ollama sent no id: a stable one was made: " + call.id());
        JsonNode tools = lastChatBody().path("tools");
        assertEquals("get_weather", tools.get(0).path("function").path("name").asText());
        assertEquals(
                Json.tryParse(WEATHER_SCHEMA), tools.get(0).path("function").path("parameters"));

        conversation.add(new Message(Role.ASSISTANT, first.content()));
        conversation.add(new Message(
                Role.TOOL,
                List.of(new ContentPart.ToolResult(
                        call.id(), List.of(new ContentPart.Text("18 degrees, sunny")), false))));
        ChatResponse second = model.complete(
                ChatRequests.to(MODEL).messages(conversation).tools(weather).build());
        assertEquals("It is 18 degrees in Paris.", second.text());
        assertEquals(StopReason.END_TURN, second.stopReason());
        JsonNode messages = lastChatBody().path("messages");
        JsonNode assistant = messages.get(1);
        assertEquals(
                "get_weather",
                assistant
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("name")
                        .asText());
        assertEquals(
                Json.tryParse("{\"city\":\"Paris\"}"),
                Json.tryParse(assistant
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("arguments")
                        .asText()));
        assertEquals("tool", messages.get(2).path("role").asText());
        assertEquals("18 degrees, sunny", messages.get(2).path("content").asText());
    }

    @Test
    void textWithParallelToolCalls() {
        ChatResponse r = model.complete(ChatRequests.to(MODEL)
                .user("use two tools")
                .tools(new ToolDefinition("get_weather", null, null), new ToolDefinition("get_time", null, null))
                .build());
        assertEquals("Checking both.", r.text());
        assertEquals(StopReason.TOOL_USE, r.stopReason());
        List<ContentPart.ToolUse> calls = r.content().stream()
                .filter(ContentPart.ToolUse.class::isInstance)
                .map(ContentPart.ToolUse.class::cast)
                .toList();
        assertEquals(
                List.of("get_weather", "get_time"),
                calls.stream().map(ContentPart.ToolUse::name).toList());
        assertEquals(2, calls.stream().map(ContentPart.ToolUse::id).distinct().count());
        assertEquals(
                Json.tryParse("{\"tz\":\"CET\"}"), Json.tryParse(calls.get(1).argumentsJson()));
    }

    @Test
    void sendsImages() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Text("Describe this picture"),
                        new ContentPart.Image(
                                "image/png",
                                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQ"
                                        + "DwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                                null)));
        ChatResponse r = model.complete(ChatRequests.to("llava").messages(user).build());
        assertEquals("A red square.", r.text());
        assertEquals("llava", r.model());
        // aimock keeps only role and content of a message in its journal; the images list itself is checked by
        // RequestMapperTest
        assertEquals(
                "Describe this picture",
                lastChatBody().path("messages").get(0).path("content").asText());
    }
}
