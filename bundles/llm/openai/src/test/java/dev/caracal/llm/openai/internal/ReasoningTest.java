package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.ReasoningScenarios;
import dev.caracal.llm.testkit.StreamRecorder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reasoning against aimock: {@code reasoning_content} in whole answers and stream deltas becomes a leading
 * {@link ContentPart.Thinking} / {@link StreamEvent.ThinkingDelta} block (the test kit's shared scenarios), the
 * request carries {@code reasoning_effort}, and reasoning in the history is not sent back. The model is an o-series
 * name, which aimock counts as reasoning-capable.
 */
class ReasoningTest extends ReasoningScenarios<OpenAiChatModel> {

    private static final String MODEL = "o4-mini";

    ReasoningTest() {
        super(OpenAiUnderTest.PROVIDER);
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(
                Fixture.whenUserSays("effort check").reply("checked"),
                Fixture.whenUserSays("history check").reply("history ok"));
    }

    private static ChatRequest request(String text, Reasoning reasoning) {
        return ChatRequests.to(MODEL).user(text).reasoning(reasoning).build();
    }

    /** The body aimock received for the one request whose JSON contains {@code marker}. */
    private JsonNode sentBody(String marker) {
        List<JsonNode> bodies = upstream().journal("/v1/chat/completions").stream()
                .map(e -> e.body())
                .filter(b -> b.toString().contains(marker))
                .toList();
        assertEquals(1, bodies.size(), "one request with " + marker);
        return bodies.get(0);
    }

    @Test
    void reasoningIsSentAsReasoningEffort() throws Exception {
        model().complete(request("effort check: effort only", Reasoning.effort(Reasoning.Effort.MINIMAL)));
        model().complete(request("effort check: budget only", Reasoning.budget(20_000)));
        StreamRecorder streamed = new StreamRecorder();
        model().stream(
                ChatRequests.to(MODEL)
                        .user("effort check: streamed low")
                        .streamed()
                        .reasoning(Reasoning.effort(Reasoning.Effort.LOW))
                        .build(),
                streamed);
        streamed.await();
        model().complete(request("effort check: none", null));

        assertEquals("minimal", sentBody("effort only").path("reasoning_effort").asText());
        assertEquals("high", sentBody("budget only").path("reasoning_effort").asText());
        JsonNode low = sentBody("streamed low");
        assertEquals("low", low.path("reasoning_effort").asText());
        assertTrue(low.path("stream").asBoolean());
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
        ChatResponse response = model().complete(ChatRequests.to(MODEL)
                .messages(history)
                .tools(new ToolDefinition("get_weather", null, null))
                .build());
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
