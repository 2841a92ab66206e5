package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.TestSupport.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.JournalEntry;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.StreamRecorder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Extended thinking against aimock's Anthropic /v1/messages: thinking and redacted_thinking blocks in complete and
 * streamed answers, the {@code thinking} parameter and {@code max_tokens} sent, and a tool loop that hands the
 * signed thinking back. aimock runs strict, so it answers 400 when, with thinking enabled, an answered tool-call turn
 * does not begin with its signed thinking block (Anthropic's rule). The request bodies are read at a
 * {@link RecordingProxy} in front of aimock, since aimock's journal shows them in its OpenAI form, without thinking.
 */
class ThinkingTest {

    private static final String THOUGHT = "Let me think... The user wants a number; six times seven is 42.";
    private static final String TOOL_THOUGHT = "Let me think... I need the weather tool for Oslo.";
    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

    private static MockUpstream upstream;
    private static RecordingProxy proxy;
    private static AnthropicChatModel model;

    @BeforeAll
    static void start() throws Exception {
        upstream = MockUpstream.builder()
                .strict(true)
                .fixture(Fixture.whenToolResult("toolu_t1").reply("It is 3 degrees in Oslo."))
                .fixture(Fixture.whenUserSays("weather in Oslo")
                        .reasoning(TOOL_THOUGHT)
                        .reasoningSignature("sig-tool")
                        .toolCall("toolu_t1", "get_weather", "{\"city\":\"Oslo\"}")
                        .chunkSize(6))
                .fixture(Fixture.whenUserSays("ponder signed")
                        .reasoning(THOUGHT)
                        .reasoningSignature("sig-123")
                        .reply("The answer is 42.")
                        .chunkSize(5))
                .fixture(Fixture.whenUserSays("ponder plain").reasoning(THOUGHT).reply("Fine."))
                .fixture(Fixture.whenUserSays("ponder redacted")
                        .redactedThinking("opaque-1")
                        .reasoning(THOUGHT)
                        .reasoningSignature("sig-r")
                        .reply("Done.")
                        .chunkSize(7))
                .fixture(Fixture.whenUserSays("measure").reply("ok"))
                .start();
        proxy = new RecordingProxy(upstream.baseUrl());
        model = new AnthropicChatModel(TestSupport.settings(proxy.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, proxy, upstream);
    }

    private static ChatRequest thinking(String userText, Reasoning reasoning, boolean stream) {
        return new ChatRequest(
                MODEL, null, List.of(Message.user(userText)), null, null, null, null, stream, null, reasoning);
    }

    // ---- answers ----

    @Test
    void completeReturnsTheSignedThinkingFirstThenTheText() {
        ChatResponse response = model.complete(thinking("ponder signed", Reasoning.budget(2048), false));
        assertEquals(
                List.of(new ContentPart.Thinking(THOUGHT, "sig-123"), new ContentPart.Text("The answer is 42.")),
                response.content());
        assertEquals("The answer is 42.", response.text(), "the text leaves the thinking out");
        assertEquals(StopReason.END_TURN, response.stopReason());
    }

    @Test
    void aThinkingBlockWithoutAFixtureSignatureStillCarriesAimocksOwn() {
        ChatResponse response = model.complete(thinking("ponder plain", Reasoning.budget(2048), false));
        ContentPart.Thinking thought =
                assertInstanceOf(ContentPart.Thinking.class, response.content().get(0));
        assertEquals(THOUGHT, thought.text());
        assertEquals("aimock-placeholder-signature", thought.signature());
        assertEquals(new ContentPart.Text("Fine."), response.content().get(1));
    }

    @Test
    void completeKeepsRedactedThinkingInItsPlace() {
        ChatResponse response = model.complete(thinking("ponder redacted", Reasoning.budget(2048), false));
        assertEquals(
                List.of(
                        new ContentPart.RedactedThinking("opaque-1"),
                        new ContentPart.Thinking(THOUGHT, "sig-r"),
                        new ContentPart.Text("Done.")),
                response.content());
    }

    @Test
    void streamEmitsThinkingDeltasThenTheSignatureThenText() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(thinking("ponder signed", Reasoning.budget(2048), true), events);
        events.await();
        List<StreamEvent.ThinkingDelta> thoughts = events.of(StreamEvent.ThinkingDelta.class);
        assertTrue(thoughts.size() > 3, "chunked: " + thoughts);
        assertTrue(thoughts.stream().allMatch(d -> d.index() == 0), thoughts.toString());
        StringBuilder joined = new StringBuilder();
        thoughts.forEach(d -> joined.append(d.text()));
        assertEquals(THOUGHT, joined.toString());
        assertEquals(
                List.of(new StreamEvent.ThinkingSignature(0, "sig-123")),
                events.of(StreamEvent.ThinkingSignature.class));
        assertEquals("The answer is 42.", events.text());
        assertTrue(events.of(StreamEvent.TextDelta.class).stream().allMatch(d -> d.index() == 1));
        int lastThought = events.events.indexOf(thoughts.get(thoughts.size() - 1));
        int signature = events.events.indexOf(new StreamEvent.ThinkingSignature(0, "sig-123"));
        int firstText =
                events.events.indexOf(events.of(StreamEvent.TextDelta.class).get(0));
        assertTrue(lastThought < signature && signature < firstText, "thinking, signature, text: " + events.events);
        assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
    }

    @Test
    void streamEmitsRedactedThinkingAsOneBlockWithItsOwnIndex() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(thinking("ponder redacted", Reasoning.budget(2048), true), events);
        events.await();
        assertEquals(
                List.of(new StreamEvent.RedactedThinking(0, "opaque-1")),
                events.of(StreamEvent.RedactedThinking.class));
        assertTrue(events.of(StreamEvent.ThinkingDelta.class).stream().allMatch(d -> d.index() == 1));
        assertEquals(
                List.of(new StreamEvent.ThinkingSignature(1, "sig-r")), events.of(StreamEvent.ThinkingSignature.class));
        assertTrue(events.of(StreamEvent.TextDelta.class).stream().allMatch(d -> d.index() == 2));
        assertEquals("Done.", events.text());
    }

    // ---- what is sent ----

    @Test
    void aBudgetIsSentAsEnabledThinkingWithinTheDefaultMaxTokens() {
        model.complete(thinking("measure a budget", Reasoning.budget(2048), false));
        JsonNode sent = proxy.lastBodyWith("measure a budget");
        assertEquals("enabled", sent.path("thinking").path("type").asText());
        assertEquals(2048, sent.path("thinking").path("budget_tokens").asInt());
        assertEquals(4096, sent.path("max_tokens").asInt(), "the default already holds the budget");
        assertEquals(4096, journalled("measure a budget").path("max_tokens").asInt(), "aimock saw the same");
    }

    @Test
    void anEffortIsSentAsItsBudgetAndMaxTokensMakesRoomForIt() {
        model.complete(thinking("measure an effort", Reasoning.effort(Reasoning.Effort.HIGH), false));
        JsonNode sent = proxy.lastBodyWith("measure an effort");
        assertEquals("enabled", sent.path("thinking").path("type").asText());
        assertEquals(24_576, sent.path("thinking").path("budget_tokens").asInt());
        assertEquals(24_576 + 4096, sent.path("max_tokens").asInt(), "the budget plus the default for the answer");
        assertEquals(
                24_576 + 4096,
                journalled("measure an effort").path("max_tokens").asInt());
    }

    @Test
    void aMaxTokensBelowTheBudgetIsTheRoomForTheAnswer() {
        ChatRequest request = new ChatRequest(
                MODEL,
                null,
                List.of(Message.user("measure a small answer")),
                null,
                null,
                new SamplingParameters(null, null, null, 1000, null, null, null),
                null,
                false,
                null,
                Reasoning.budget(8000));
        model.complete(request);
        JsonNode sent = proxy.lastBodyWith("measure a small answer");
        assertEquals(8000, sent.path("thinking").path("budget_tokens").asInt());
        assertEquals(9000, sent.path("max_tokens").asInt());
    }

    @Test
    void aBudgetBelowAnthropicsMinimumIsRaised() {
        model.complete(thinking("measure a tiny budget", Reasoning.budget(100), false));
        JsonNode sent = proxy.lastBodyWith("measure a tiny budget");
        assertEquals(1024, sent.path("thinking").path("budget_tokens").asInt());
        assertEquals(4096, sent.path("max_tokens").asInt());
    }

    @Test
    void withoutReasoningNoThinkingIsSent() {
        model.complete(thinking("measure nothing", null, false));
        JsonNode sent = proxy.lastBodyWith("measure nothing");
        assertFalse(sent.has("thinking"), sent.toString());
        assertEquals(4096, sent.path("max_tokens").asInt());
    }

    private static JsonNode journalled(String text) {
        List<JournalEntry> entries = upstream.journal("/v1/messages").stream()
                .filter(e -> e.body() != null && e.body().toString().contains(text))
                .toList();
        assertFalse(entries.isEmpty(), "aimock journalled no request with " + text);
        return entries.get(entries.size() - 1).body();
    }

    // ---- tool loop ----

    private static ChatRequest weather(List<Message> messages, Reasoning reasoning, boolean stream) {
        return new ChatRequest(
                MODEL,
                null,
                messages,
                List.of(new ToolDefinition("get_weather", "Current weather", WEATHER_SCHEMA)),
                null,
                null,
                null,
                stream,
                null,
                reasoning);
    }

    private static List<Message> afterTheCall(List<ContentPart> assistant, String question) {
        return List.of(
                Message.user(question),
                new Message(Role.ASSISTANT, assistant),
                new Message(
                        Role.TOOL,
                        List.of(new ContentPart.ToolResult(
                                "toolu_t1", List.of(new ContentPart.Text("3C, snow")), false))));
    }

    @Test
    void aToolLoopHandsTheSignedThinkingBack() {
        String question = "What is the weather in Oslo? (signed loop)";
        ChatResponse call = model.complete(weather(List.of(Message.user(question)), Reasoning.budget(2048), false));
        assertEquals(StopReason.TOOL_USE, call.stopReason());
        assertEquals(
                List.of(
                        new ContentPart.Thinking(TOOL_THOUGHT, "sig-tool"),
                        new ContentPart.ToolUse("toolu_t1", "get_weather", "{\"city\":\"Oslo\"}")),
                call.content());

        // strict aimock answers 400 unless the turn begins with the thinking block and its signature
        ChatResponse answer =
                model.complete(weather(afterTheCall(call.content(), question), Reasoning.budget(2048), false));
        assertEquals("It is 3 degrees in Oslo.", answer.text());
        JsonNode assistant = proxy.lastBodyWith("3C, snow").path("messages").path(1);
        assertEquals("assistant", assistant.path("role").asText());
        assertEquals("thinking", assistant.path("content").path(0).path("type").asText());
        assertEquals(
                TOOL_THOUGHT, assistant.path("content").path(0).path("thinking").asText());
        assertEquals(
                "sig-tool", assistant.path("content").path(0).path("signature").asText());
        assertEquals("tool_use", assistant.path("content").path(1).path("type").asText());
        assertEquals("toolu_t1", assistant.path("content").path(1).path("id").asText());
    }

    @Test
    void aStreamedToolCallFollowsItsThinkingBlock() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(
                weather(
                        List.of(Message.user("What is the weather in Oslo? (streamed)")),
                        Reasoning.effort(Reasoning.Effort.LOW),
                        true),
                events);
        events.await();
        StringBuilder thought = new StringBuilder();
        events.of(StreamEvent.ThinkingDelta.class).forEach(d -> {
            assertEquals(0, d.index());
            thought.append(d.text());
        });
        assertEquals(TOOL_THOUGHT, thought.toString());
        assertEquals(
                List.of(new StreamEvent.ThinkingSignature(0, "sig-tool")),
                events.of(StreamEvent.ThinkingSignature.class));
        List<StreamEvent.ToolCallDelta> calls = events.of(StreamEvent.ToolCallDelta.class);
        assertEquals("toolu_t1", calls.get(0).id());
        assertTrue(calls.stream().allMatch(d -> d.index() == 1), calls.toString());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
    }

    @Test
    void unsignedThinkingIsNotSentBack() {
        String question = "What is the weather in Oslo? (unsigned, no thinking)";
        List<ContentPart> fromAnotherProvider = List.of(
                new ContentPart.Thinking(TOOL_THOUGHT, null),
                new ContentPart.ToolUse("toolu_t1", "get_weather", "{\"city\":\"Oslo\"}"));
        ChatResponse answer = model.complete(weather(afterTheCall(fromAnotherProvider, question), null, false));
        assertEquals("It is 3 degrees in Oslo.", answer.text());
        JsonNode sent = proxy.lastBodyWith(question);
        assertFalse(sent.has("thinking"));
        JsonNode assistant = sent.path("messages").path(1).path("content");
        assertEquals(1, assistant.size(), assistant.toString());
        assertEquals("tool_use", assistant.path(0).path("type").asText());
    }

    @Test
    void unsignedThinkingCannotContinueAToolLoopWithThinkingEnabled() {
        String question = "What is the weather in Oslo? (unsigned, thinking)";
        List<ContentPart> fromAnotherProvider = List.of(
                new ContentPart.Thinking(TOOL_THOUGHT, null),
                new ContentPart.ToolUse("toolu_t1", "get_weather", "{\"city\":\"Oslo\"}"));
        LlmException e = assertThrows(
                LlmException.class,
                () -> model.complete(
                        weather(afterTheCall(fromAnotherProvider, question), Reasoning.budget(2048), false)));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind(), e.getMessage());
        assertEquals(400, e.upstreamStatus());
        // the turn reached aimock beginning with the tool call: the unsigned block was dropped, not sent unsigned
        assertTrue(e.getMessage().contains("got `tool_use`"), e.getMessage());
        JsonNode sent = proxy.lastBodyWith(question);
        assertEquals("enabled", sent.path("thinking").path("type").asText());
        assertEquals(
                "tool_use",
                sent.path("messages")
                        .path(1)
                        .path("content")
                        .path(0)
                        .path("type")
                        .asText());
        assertNull(sent.path("messages").path(1).path("content").path(1).get("type"));
    }
}
