package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.StreamingCall;
import dev.caracal.llm.testkit.RecordingSink;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reasoning shapes aimock does not send: OpenRouter's {@code reasoning} field (aimock writes
 * {@code reasoning_content}, and on its OpenRouter surface both), reasoning and content in one delta, reasoning
 * followed by text and a tool call in one stream, and a whole completion answering a stream. The stream decoder is
 * fed the SSE lines such a server sends.
 */
class ReasoningDecodingTest {

    private static RecordingSink feed(String... chunks) {
        RecordingSink sink = new RecordingSink();
        StreamingCall.Decoder decoder = new ChatStream(() -> null, "requested", Secret.NONE, false).decoder(sink);
        for (String chunk : chunks) {
            decoder.line("data: " + chunk);
            decoder.line("");
        }
        decoder.line("data: [DONE]");
        decoder.line("");
        decoder.end();
        return sink;
    }

    private static ChatResponse complete(String message) {
        return ResponseMapper.toResponse(
                Json.tryParse("{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":" + message
                        + ",\"finish_reason\":\"stop\"}]}"),
                "requested");
    }

    @Test
    void openRoutersReasoningFieldIsReadWhenReasoningContentIsMissing() {
        assertEquals(
                List.of(new ContentPart.Thinking("routed thought", null), new ContentPart.Text("hi")),
                complete("{\"role\":\"assistant\",\"content\":\"hi\",\"reasoning\":\"routed thought\"}")
                        .content());
        assertEquals(
                List.of(new ContentPart.Thinking("routed thought", null), new ContentPart.Text("hi")),
                complete("{\"role\":\"assistant\",\"content\":\"hi\",\"reasoning_content\":\"\","
                                + "\"reasoning\":\"routed thought\"}")
                        .content());
    }

    @Test
    void reasoningContentWinsAndIsTakenOnce() {
        assertEquals(
                List.of(new ContentPart.Thinking("native", null), new ContentPart.Text("hi")),
                complete("{\"role\":\"assistant\",\"content\":\"hi\",\"reasoning_content\":\"native\","
                                + "\"reasoning\":\"native\"}")
                        .content());
    }

    @Test
    void noOrEmptyReasoningGivesNoThinking() {
        assertEquals(
                List.of(new ContentPart.Text("hi")),
                complete("{\"role\":\"assistant\",\"content\":\"hi\",\"reasoning_content\":null,"
                                + "\"reasoning\":\"\"}")
                        .content());
        assertEquals(
                List.of(new ContentPart.Text("hi")),
                complete("{\"role\":\"assistant\",\"content\":\"hi\",\"reasoning\":{\"effort\":\"low\"}}")
                        .content());
    }

    @Test
    void streamedReasoningTextAndToolCallEachGetABlockInOrderOfAppearance() {
        RecordingSink sink = feed(
                "{\"id\":\"gen-1\",\"model\":\"r1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"reasoning\":\"First, \"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"check.\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Checking\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
        assertNull(sink.failed);
        assertEquals(
                List.of(
                        new StreamEvent.Start("gen-1", "r1"),
                        new StreamEvent.ThinkingDelta(0, "First, "),
                        new StreamEvent.ThinkingDelta(0, "check."),
                        new StreamEvent.TextDelta(1, "Checking"),
                        new StreamEvent.ToolCallDelta(2, "call_1", "lookup", "{}")),
                sink.events);
        assertEquals(StopReason.TOOL_USE, sink.finished);
    }

    @Test
    void reasoningAndContentInOneDeltaKeepTheirOrder() {
        RecordingSink sink = feed(
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"done thinking\","
                        + "\"content\":\"Answer\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\".\"},\"finish_reason\":\"stop\"}]}");
        assertEquals(
                List.of(
                        new StreamEvent.Start("c", "requested"),
                        new StreamEvent.ThinkingDelta(0, "done thinking"),
                        new StreamEvent.TextDelta(1, "Answer"),
                        new StreamEvent.TextDelta(1, ".")),
                sink.events);
        assertEquals(StopReason.END_TURN, sink.finished);
    }

    @Test
    void aWholeCompletionAnsweringAStreamGivesTheThinkingFirst() {
        RecordingSink sink = new RecordingSink();
        new ChatStream(() -> null, "requested", Secret.NONE, false)
                .decoder(sink)
                .wholeBody("""
                {"id":"w","model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant",
                "reasoning_content":"thought","content":"said"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":3,"completion_tokens":5}}""");
        assertEquals(new StreamEvent.Start("w", "deepseek-reasoner"), sink.events.get(0));
        assertEquals(new StreamEvent.ThinkingDelta(0, "thought"), sink.events.get(1));
        assertEquals(new StreamEvent.TextDelta(1, "said"), sink.events.get(2));
        assertEquals(StreamEvent.UsageUpdate.class, sink.events.get(3).getClass());
        assertEquals(4, sink.events.size());
        assertEquals(StopReason.END_TURN, sink.finished);
    }
}
