package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.StreamRecorder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reasoning against aimock: {@code reasoning_content} in whole answers and stream deltas becomes a leading
 * {@link ContentPart.Thinking} / {@link StreamEvent.ThinkingDelta} block, the request carries
 * {@code reasoning_effort}, and reasoning in the history is not sent back. The model is an o-series name, which aimock
 * counts as reasoning-capable (it would warn about, and in strict mode suppress, reasoning for {@code gpt-4o}).
 */
class ReasoningTest {

    private static final String MODEL = "o4-mini";
    private static final String THOUGHT = "Let me think... the user wants the answer to everything.";
    private static final String TOOL_THOUGHT = "I need the weather in Oslo first.";

    private static MockUpstream upstream;
    private static OpenAiChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .strict(true) // reasoning only where a real reasoning model would send it
                .fixture(Fixture.whenUserSays("think then answer")
                        .reasoning(THOUGHT)
                        .reply("The answer is 42.")
                        .chunkSize(7))
                .fixture(Fixture.whenUserSays("think then call")
                        .reasoning(TOOL_THOUGHT)
                        .toolCall("call_r1", "get_weather", "{\"city\":\"Oslo\"}")
                        .chunkSize(5))
                .fixture(Fixture.whenUserSays("effort check").reply("checked"))
                .fixture(Fixture.whenUserSays("history check").reply("history ok"))
                .start();
        model = new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    private static ChatRequest request(String text, boolean stream) {
        return new ChatRequest(MODEL, null, List.of(Message.user(text)), null, null, null, null, stream, null);
    }

    private static ChatRequest toolRequest(String text, boolean stream) {
        return new ChatRequest(
                MODEL,
                null,
                List.of(Message.user(text)),
                List.of(new ToolDefinition("get_weather", null, null)),
                null,
                null,
                null,
                stream,
                null);
    }

    private static StreamRecorder stream(ChatRequest request) throws InterruptedException {
        StreamRecorder events = new StreamRecorder();
        model.stream(request, events);
        return events.await();
    }

    private static String thinkingOf(StreamRecorder events) {
        return events.of(StreamEvent.ThinkingDelta.class).stream()
                .map(StreamEvent.ThinkingDelta::text)
                .collect(Collectors.joining());
    }

    /** The body aimock received for the one request whose JSON contains {@code marker}. */
    private static JsonNode sentBody(String marker) {
        List<JsonNode> bodies = upstream.journal("/v1/chat/completions").stream()
                .map(e -> e.body())
                .filter(b -> b.toString().contains(marker))
                .toList();
        assertEquals(1, bodies.size(), "one request with " + marker);
        return bodies.get(0);
    }

    @Test
    void completeReturnsTheThinkingFirstThenTheText() {
        ChatResponse response = model.complete(request("think then answer", false));
        assertEquals(2, response.content().size(), response.content().toString());
        ContentPart.Thinking thinking =
                assertInstanceOf(ContentPart.Thinking.class, response.content().get(0));
        assertEquals(THOUGHT, thinking.text());
        assertNull(thinking.signature());
        assertEquals(
                new ContentPart.Text("The answer is 42."), response.content().get(1));
        assertEquals("The answer is 42.", response.text(), "the text leaves the thinking out");
        assertEquals(StopReason.END_TURN, response.stopReason());
    }

    @Test
    void completeReturnsTheThinkingBeforeAToolCall() {
        ChatResponse response = model.complete(toolRequest("think then call", false));
        assertEquals(2, response.content().size(), response.content().toString());
        assertEquals(
                new ContentPart.Thinking(TOOL_THOUGHT, null), response.content().get(0));
        ContentPart.ToolUse use =
                assertInstanceOf(ContentPart.ToolUse.class, response.content().get(1));
        assertEquals("call_r1", use.id());
        assertEquals("get_weather", use.name());
        assertEquals("{\"city\":\"Oslo\"}", use.argumentsJson());
        assertEquals(StopReason.TOOL_USE, response.stopReason());
    }

    @Test
    void streamEmitsThinkingDeltasOnTheirOwnBlockBeforeTheText() throws Exception {
        StreamRecorder events = stream(request("think then answer", true));
        List<StreamEvent.ThinkingDelta> thinking = events.of(StreamEvent.ThinkingDelta.class);
        assertTrue(thinking.size() > 1, "the reasoning arrives in pieces: " + thinking);
        assertEquals(THOUGHT, thinkingOf(events));
        assertTrue(thinking.stream().allMatch(d -> d.index() == 0), "reasoning is block 0: " + thinking);
        List<StreamEvent.TextDelta> text = events.of(StreamEvent.TextDelta.class);
        assertFalse(text.isEmpty());
        assertTrue(text.stream().allMatch(d -> d.index() == 1), "the text is block 1: " + text);
        assertEquals("The answer is 42.", events.text());
        int lastThinking = events.events.indexOf(thinking.get(thinking.size() - 1));
        assertTrue(lastThinking < events.events.indexOf(text.get(0)), "the reasoning comes before the text");
        assertTrue(events.of(StreamEvent.ThinkingSignature.class).isEmpty(), "OpenAI signs nothing");
        assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
    }

    @Test
    void streamEmitsThinkingDeltasBeforeAToolCall() throws Exception {
        StreamRecorder events = stream(toolRequest("think then call", true));
        assertEquals(TOOL_THOUGHT, thinkingOf(events));
        assertTrue(events.of(StreamEvent.ThinkingDelta.class).stream().allMatch(d -> d.index() == 0));
        List<StreamEvent.ToolCallDelta> calls = events.of(StreamEvent.ToolCallDelta.class);
        assertFalse(calls.isEmpty());
        assertTrue(calls.stream().allMatch(d -> d.index() == 1), "the tool call is block 1: " + calls);
        assertEquals("call_r1", calls.get(0).id());
        assertEquals("get_weather", calls.get(0).name());
        assertEquals(
                "{\"city\":\"Oslo\"}",
                calls.stream().map(StreamEvent.ToolCallDelta::argumentsDelta).collect(Collectors.joining()));
        assertTrue(events.of(StreamEvent.TextDelta.class).isEmpty());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
    }

    @Test
    void reasoningIsSentAsReasoningEffort() throws Exception {
        model.complete(
                request("effort check: effort only", false).withReasoning(Reasoning.effort(Reasoning.Effort.MINIMAL)));
        model.complete(request("effort check: budget only", false).withReasoning(Reasoning.budget(20_000)));
        stream(request("effort check: streamed low", true).withReasoning(Reasoning.effort(Reasoning.Effort.LOW)));
        model.complete(request("effort check: none", false));

        assertEquals("minimal", sentBody("effort only").path("reasoning_effort").asText());
        assertEquals("high", sentBody("budget only").path("reasoning_effort").asText());
        JsonNode streamed = sentBody("streamed low");
        assertEquals("low", streamed.path("reasoning_effort").asText());
        assertTrue(streamed.path("stream").asBoolean());
        assertFalse(sentBody("effort check: none").has("reasoning_effort"));
    }

    @Test
    void thinkingInTheHistoryIsNotSentBack() {
        List<Message> history = List.of(
                Message.user("weather in Oslo?"),
                new Message(
                        Role.ASSISTANT,
                        List.of(
                                new ContentPart.Thinking("secret pondering", null),
                                new ContentPart.RedactedThinking("opaque-blob"),
                                new ContentPart.ToolUse("call_h1", "get_weather", "{\"city\":\"Oslo\"}"))),
                new Message(
                        Role.TOOL,
                        List.of(new ContentPart.ToolResult(
                                "call_h1", List.of(new ContentPart.Text("{\"celsius\":-3}")), false))),
                new Message(
                        Role.ASSISTANT,
                        List.of(
                                new ContentPart.Thinking("more pondering", "sig-from-elsewhere"),
                                new ContentPart.Text("It is -3 degrees."))),
                Message.user("thanks"),
                new Message(Role.ASSISTANT, List.of(new ContentPart.Thinking("only a thought", null))),
                Message.user("history check"));
        ChatResponse response = model.complete(new ChatRequest(
                MODEL,
                null,
                history,
                List.of(new ToolDefinition("get_weather", null, null)),
                null,
                null,
                null,
                false,
                null));
        assertEquals("history ok", response.text());

        JsonNode sent = sentBody("history check");
        String json = sent.toString();
        for (String hidden : List.of(
                "secret pondering",
                "opaque-blob",
                "more pondering",
                "sig-from-elsewhere",
                "only a thought",
                "reasoning")) {
            assertFalse(json.contains(hidden), hidden + " was sent: " + json);
        }
        JsonNode messages = sent.get("messages");
        assertEquals(7, messages.size(), messages.toString());
        JsonNode toolTurn = messages.get(1);
        assertEquals("assistant", toolTurn.path("role").asText());
        assertTrue(toolTurn.path("content").isNull(), "only the tool call remains: " + toolTurn);
        assertEquals("call_h1", toolTurn.at("/tool_calls/0/id").asText());
        assertEquals(
                "{\"city\":\"Oslo\"}",
                toolTurn.at("/tool_calls/0/function/arguments").asText());
        assertEquals("It is -3 degrees.", messages.get(3).path("content").asText());
        JsonNode thoughtOnly = messages.get(5);
        assertEquals("assistant", thoughtOnly.path("role").asText());
        assertEquals("", thoughtOnly.path("content").asText(), "kept with empty content: " + thoughtOnly);
        assertFalse(thoughtOnly.has("tool_calls"));
    }
}
