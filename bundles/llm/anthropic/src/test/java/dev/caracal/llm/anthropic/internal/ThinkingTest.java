package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.AnthropicUnderTest.MODEL;
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
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.JournalEntry;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.ReasoningScenarios;
import dev.caracal.llm.testkit.StreamRecorder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Extended thinking against aimock's Anthropic /v1/messages: signed thinking ahead of text and tool calls (the test
 * kit's shared scenarios), redacted_thinking blocks in complete and streamed answers, the {@code thinking} parameter
 * and {@code max_tokens} sent, and a tool loop that hands the signed thinking back. aimock runs strict, so it answers 400 when, with thinking enabled, an answered tool-call turn
 * does not begin with its signed thinking block (Anthropic's rule). The request bodies are read at a
 * {@link RecordingProxy} in front of aimock, since aimock's journal shows them in its OpenAI form, without thinking.
 */
class ThinkingTest extends ReasoningScenarios<AnthropicChatModel> {

    private static final String THOUGHT = "Let me think... The user wants a number; six times seven is 42.";
    private static final String TOOL_THOUGHT = "Let me think... I need the weather tool for Oslo.";
    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

    private RecordingProxy proxy;
    private AnthropicChatModel proxied;

    ThinkingTest() {
        super(AnthropicUnderTest.PROVIDER);
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(
                Fixture.whenToolResult("toolu_t1").reply("It is 3 degrees in Oslo."),
                Fixture.whenUserSays("weather in Oslo")
                        .reasoning(TOOL_THOUGHT)
                        .reasoningSignature("sig-tool")
                        .toolCall("toolu_t1", "get_weather", "{\"city\":\"Oslo\"}")
                        .chunkSize(6),
                Fixture.whenUserSays("ponder plain").reasoning(THOUGHT).reply("Fine."),
                Fixture.whenUserSays("ponder redacted")
                        .redactedThinking("opaque-1")
                        .reasoning(THOUGHT)
                        .reasoningSignature("sig-r")
                        .reply("Done.")
                        .chunkSize(7),
                Fixture.whenUserSays("measure").reply("ok"));
    }

    @BeforeAll
    void startProxy() throws Exception {
        proxy = new RecordingProxy(upstream().baseUrl());
        proxied = new AnthropicChatModel(AnthropicUnderTest.settings(proxy.baseUrl()));
    }

    @AfterAll
    void stopProxy() throws Exception {
        ProviderTests.closeAll(proxied, proxy);
    }

    private static ChatRequest thinking(String userText, Reasoning reasoning, boolean stream) {
        return ChatRequests.to(MODEL).user(userText).stream(stream)
                .reasoning(reasoning)
                .build();
    }

    // ---- answers (the signed thinking of text and tool-call answers: ReasoningScenarios) ----

    @Test
    void aThinkingBlockWithoutAFixtureSignatureStillCarriesAimocksOwn() {
        ChatResponse response = proxied.complete(thinking("ponder plain", Reasoning.budget(2048), false));
        ContentPart.Thinking thought =
                assertInstanceOf(ContentPart.Thinking.class, response.content().get(0));
        assertEquals(THOUGHT, thought.text());
        assertEquals("aimock-placeholder-signature", thought.signature());
        assertEquals(new ContentPart.Text("Fine."), response.content().get(1));
    }

    @Test
    void completeKeepsRedactedThinkingInItsPlace() {
        ChatResponse response = proxied.complete(thinking("ponder redacted", Reasoning.budget(2048), false));
        assertEquals(
                List.of(
                        new ContentPart.RedactedThinking("opaque-1"),
                        new ContentPart.Thinking(THOUGHT, "sig-r"),
                        new ContentPart.Text("Done.")),
                response.content());
    }

    @Test
    void streamEmitsRedactedThinkingAsOneBlockWithItsOwnIndex() throws Exception {
        StreamRecorder events = new StreamRecorder();
        proxied.stream(thinking("ponder redacted", Reasoning.budget(2048), true), events);
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
        proxied.complete(thinking("measure a budget", Reasoning.budget(2048), false));
        JsonNode sent = proxy.lastBodyWith("measure a budget");
        assertEquals("enabled", sent.path("thinking").path("type").asText());
        assertEquals(2048, sent.path("thinking").path("budget_tokens").asInt());
        assertEquals(4096, sent.path("max_tokens").asInt(), "the default already holds the budget");
        assertEquals(4096, journalled("measure a budget").path("max_tokens").asInt(), "aimock saw the same");
    }

    @Test
    void anEffortIsSentAsItsBudgetAndMaxTokensMakesRoomForIt() {
        proxied.complete(thinking("measure an effort", Reasoning.effort(Reasoning.Effort.HIGH), false));
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
        ChatRequest request = ChatRequests.to(MODEL)
                .user("measure a small answer")
                .maxTokens(1000)
                .reasoning(Reasoning.budget(8000))
                .build();
        proxied.complete(request);
        JsonNode sent = proxy.lastBodyWith("measure a small answer");
        assertEquals(8000, sent.path("thinking").path("budget_tokens").asInt());
        assertEquals(9000, sent.path("max_tokens").asInt());
    }

    @Test
    void aBudgetBelowAnthropicsMinimumIsRaised() {
        proxied.complete(thinking("measure a tiny budget", Reasoning.budget(100), false));
        JsonNode sent = proxy.lastBodyWith("measure a tiny budget");
        assertEquals(1024, sent.path("thinking").path("budget_tokens").asInt());
        assertEquals(4096, sent.path("max_tokens").asInt());
    }

    @Test
    void withoutReasoningNoThinkingIsSent() {
        proxied.complete(thinking("measure nothing", null, false));
        JsonNode sent = proxy.lastBodyWith("measure nothing");
        assertFalse(sent.has("thinking"), sent.toString());
        assertEquals(4096, sent.path("max_tokens").asInt());
    }

    private JsonNode journalled(String text) {
        List<JournalEntry> entries = upstream().journal("/v1/messages").stream()
                .filter(e -> e.body() != null && e.body().toString().contains(text))
                .toList();
        assertFalse(entries.isEmpty(), "aimock journalled no request with " + text);
        return entries.get(entries.size() - 1).body();
    }

    // ---- tool loop ----

    private static ChatRequest weather(List<Message> messages, Reasoning reasoning, boolean stream) {
        return ChatRequests.to(MODEL)
                .messages(messages)
                .tools(new ToolDefinition("get_weather", "Current weather", WEATHER_SCHEMA))
                .stream(stream)
                .reasoning(reasoning)
                .build();
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
        ChatResponse call = proxied.complete(weather(List.of(Message.user(question)), Reasoning.budget(2048), false));
        assertEquals(StopReason.TOOL_USE, call.stopReason());
        assertEquals(
                List.of(
                        new ContentPart.Thinking(TOOL_THOUGHT, "sig-tool"),
                        new ContentPart.ToolUse("toolu_t1", "get_weather", "{\"city\":\"Oslo\"}")),
                call.content());

        // strict aimock answers 400 unless the turn begins with the thinking block and its signature
        ChatResponse answer =
                proxied.complete(weather(afterTheCall(call.content(), question), Reasoning.budget(2048), false));
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
    void unsignedThinkingIsNotSentBack() {
        String question = "What is the weather in Oslo? (unsigned, no thinking)";
        List<ContentPart> fromAnotherProvider = List.of(
                new ContentPart.Thinking(TOOL_THOUGHT, null),
                new ContentPart.ToolUse("toolu_t1", "get_weather", "{\"city\":\"Oslo\"}"));
        ChatResponse answer = proxied.complete(weather(afterTheCall(fromAnotherProvider, question), null, false));
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
                () -> proxied.complete(
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
