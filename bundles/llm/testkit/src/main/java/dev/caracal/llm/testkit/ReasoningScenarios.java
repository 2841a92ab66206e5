package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolDefinition;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A reasoning model's thinking against aimock (strict, so reasoning comes only where a real reasoning model would
 * send it): a leading {@link ContentPart.Thinking} part in whole answers, {@link StreamEvent.ThinkingDelta}s on a
 * block of their own ahead of the text and tool calls in streams, signed where the wire signs thinking.
 *
 * @param <M> the provider's chat model
 */
public abstract class ReasoningScenarios<M extends ChatModel & AutoCloseable> extends ProviderScenarios<M> {

    private static final String THOUGHT = "Let me think... the user wants the answer to everything.";
    private static final String TOOL_THOUGHT = "Let me think... I need the weather in Oslo first.";
    private static final String BOTH_THOUGHT = "Weather needs the tool, and the time too.";
    private static final String OSLO = "{\"city\":\"Oslo\"}";

    protected ReasoningScenarios(ProviderUnderTest<M> provider) {
        super(provider);
    }

    @Override
    protected MockUpstream.Builder upstreamOptions(MockUpstream.Builder builder) {
        return builder.strict(true);
    }

    @Override
    protected List<Fixture> scenarioFixtures() {
        return List.of(
                Fixture.whenUserSays("think then answer")
                        .reasoning(THOUGHT)
                        .reasoningSignature("sig-123")
                        .reply("The answer is 42.")
                        .chunkSize(5),
                Fixture.whenUserSays("think then call")
                        .reasoning(TOOL_THOUGHT)
                        .reasoningSignature("sig-tool")
                        .toolCall(wire.toolCallId("r1"), "get_weather", OSLO)
                        .chunkSize(5),
                Fixture.whenUserSays("think, say and call")
                        .reasoning(BOTH_THOUGHT)
                        .reasoningSignature("sig-both")
                        .reply("Checking.")
                        .chunkSize(6)
                        .toolCall(wire.toolCallId("r2"), "get_weather", OSLO)
                        .toolCall(wire.toolCallId("r3"), "get_time", "{\"tz\":\"CET\"}"));
    }

    private ChatRequest thinking(String userText, boolean stream) {
        return ChatRequests.to(provider.reasoningModel())
                .user(userText)
                .tools(new ToolDefinition("get_weather", null, null), new ToolDefinition("get_time", null, null))
                .stream(stream)
                .reasoning(Reasoning.budget(2_048))
                .build();
    }

    /** The signature that a fixture's {@code signature} arrives as: itself where the wire signs thinking. */
    private String signature(String signature) {
        return wire.signsThinking() ? signature : null;
    }

    private List<StreamEvent.ThinkingSignature> signatures(int index, String signature) {
        return wire.signsThinking() ? List.of(new StreamEvent.ThinkingSignature(index, signature)) : List.of();
    }

    private StreamRecorder stream(ChatRequest request) throws InterruptedException {
        StreamRecorder events = new StreamRecorder();
        model().stream(request, events);
        return events.await();
    }

    @Test
    void completeReturnsTheThinkingFirstThenTheText() {
        ChatResponse response = model().complete(thinking("think then answer", false));
        assertEquals(
                List.of(
                        new ContentPart.Thinking(THOUGHT, signature("sig-123")),
                        new ContentPart.Text("The answer is 42.")),
                response.content());
        assertEquals("The answer is 42.", response.text(), "the text leaves the thinking out");
        assertEquals(StopReason.END_TURN, response.stopReason());
    }

    @Test
    void completeReturnsTheThinkingBeforeAToolCall() {
        ChatResponse response = model().complete(thinking("think then call", false));
        assertEquals(2, response.content().size(), response.content().toString());
        assertEquals(
                new ContentPart.Thinking(TOOL_THOUGHT, signature("sig-tool")),
                response.content().get(0));
        ContentPart.ToolUse use =
                assertInstanceOf(ContentPart.ToolUse.class, response.content().get(1));
        wire.assertToolCallId("r1", use.id());
        assertEquals("get_weather", use.name());
        assertEquals(OSLO, use.argumentsJson());
        assertEquals(StopReason.TOOL_USE, response.stopReason());
    }

    @Test
    void streamEmitsThinkingDeltasOnTheirOwnBlockBeforeTheText() throws Exception {
        StreamRecorder events = stream(thinking("think then answer", true));
        assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
        List<StreamEvent.ThinkingDelta> thoughts = events.of(StreamEvent.ThinkingDelta.class);
        assertTrue(thoughts.size() > 3, "the reasoning arrives in pieces: " + thoughts);
        assertTrue(thoughts.stream().allMatch(d -> d.index() == 0), "reasoning is block 0: " + thoughts);
        assertEquals(THOUGHT, events.thinking());
        List<StreamEvent.ThinkingSignature> signed = events.of(StreamEvent.ThinkingSignature.class);
        assertEquals(signatures(0, "sig-123"), signed);
        List<StreamEvent.TextDelta> text = events.of(StreamEvent.TextDelta.class);
        assertTrue(text.stream().allMatch(d -> d.index() == 1), "the text is block 1: " + text);
        assertEquals("The answer is 42.", events.text());
        assertEquals(List.of(0, 1), events.blockOrder());
        int lastThought = events.events.indexOf(thoughts.get(thoughts.size() - 1));
        int firstText = events.events.indexOf(text.get(0));
        assertTrue(lastThought < firstText, "the reasoning comes before the text: " + events.events);
        for (StreamEvent.ThinkingSignature s : signed) {
            int at = events.events.indexOf(s);
            assertTrue(lastThought < at && at < firstText, "thinking, signature, text: " + events.events);
        }
        assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
    }

    @Test
    void streamEmitsThinkingDeltasBeforeAToolCall() throws Exception {
        StreamRecorder events = stream(thinking("think then call", true));
        assertEquals(TOOL_THOUGHT, events.thinking());
        assertTrue(events.of(StreamEvent.ThinkingDelta.class).stream().allMatch(d -> d.index() == 0));
        assertEquals(signatures(0, "sig-tool"), events.of(StreamEvent.ThinkingSignature.class));
        List<StreamEvent.ToolCallDelta> calls = events.of(StreamEvent.ToolCallDelta.class);
        assertTrue(calls.stream().allMatch(d -> d.index() == 1), "the tool call is block 1: " + calls);
        wire.assertToolCallId("r1", calls.get(0).id());
        assertEquals("get_weather", calls.get(0).name());
        assertEquals(
                OSLO,
                calls.stream().map(StreamEvent.ToolCallDelta::argumentsDelta).collect(Collectors.joining()));
        assertTrue(events.of(StreamEvent.TextDelta.class).isEmpty());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
    }

    @Test
    void thinkingTextAndToolCallsEachHaveTheirOwnBlock() throws Exception {
        StreamRecorder events = stream(thinking("think, say and call", true));
        assertEquals(BOTH_THOUGHT, events.thinking());
        assertEquals("Checking.", events.text());
        assertEquals(List.of(0, 1, 2, 3), events.blockOrder(), "thinking, text, two tool calls: " + events.events);
        if (!wire.argumentsInPieces()) {
            assertEquals(2, events.of(StreamEvent.ToolCallDelta.class).size(), "each call whole: " + events.events);
        }
        assertEquals(
                List.of("get_weather", "get_time"),
                events.of(StreamEvent.ToolCallDelta.class).stream()
                        .map(StreamEvent.ToolCallDelta::name)
                        .filter(name -> name != null)
                        .toList());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());

        ChatResponse whole = model().complete(thinking("think, say and call", false));
        assertEquals(
                new ContentPart.Thinking(BOTH_THOUGHT, signature("sig-both")),
                whole.content().get(0));
        assertEquals(new ContentPart.Text("Checking."), whole.content().get(1));
        assertEquals(
                List.of("get_weather", "get_time"),
                whole.content().subList(2, 4).stream()
                        .map(p -> assertInstanceOf(ContentPart.ToolUse.class, p).name())
                        .toList());
        assertEquals(4, whole.content().size());
    }
}
