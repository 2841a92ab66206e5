package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.StreamingCall;
import dev.caracal.llm.testkit.RecordingSink;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decoding that aimock cannot serve (see the README): prompt-cache usage, thinking blocks among server-tool blocks,
 * refusals and an error event inside a stream. The decoder is fed the SSE lines a real Anthropic stream consists of.
 */
class ResponseDecodingTest {

    private static RecordingSink feed(String sse) {
        RecordingSink sink = new RecordingSink();
        StreamingCall.Decoder decoder = new MessageStream(() -> null, "requested", Secret.NONE, false).decoder(sink);
        for (String line : sse.split("\n", -1)) {
            decoder.line(line);
        }
        decoder.end();
        return sink;
    }

    @Test
    void usageCountsCacheReadsAndWritesWithinTheInput() {
        ChatResponse response = ResponseMapper.toResponse(Json.tryParse("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Hi"},
                   {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":1000,
                   "output_tokens":30}}
                """), "requested", Secret.NONE, "");
        assertEquals(new Usage(1210, 30, 1000, 200), response.usage());
        assertEquals(
                List.of(
                        new ContentPart.Thinking("hmm", "s"),
                        new ContentPart.Text("Hi"),
                        new ContentPart.ToolUse("toolu_1", "f", "{\"a\":1}")),
                response.content());
        assertEquals(StopReason.TOOL_USE, response.stopReason());
        assertEquals("claude-sonnet-4-5", response.model());
    }

    @ParameterizedTest
    @CsvSource({
        "end_turn, END_TURN",
        "max_tokens, MAX_TOKENS",
        "stop_sequence, STOP_SEQUENCE",
        "tool_use, TOOL_USE",
        "refusal, CONTENT_FILTER",
        "pause_turn, END_TURN",
        "model_context_window_exceeded, MAX_TOKENS",
        "something_new, END_TURN"
    })
    void stopReasons(String anthropic, StopReason normalized) {
        assertEquals(normalized, ResponseMapper.stopReason(anthropic));
    }

    @Test
    void aBodyThatIsNotAMessageIsUpstream() {
        LlmException e = assertThrows(
                LlmException.class,
                () -> ResponseMapper.toResponse(
                        Json.tryParse("{\"type\":\"message\"}"), "m", Secret.NONE, "{\"type\":\"message\"}"));
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        LlmException error = assertThrows(
                LlmException.class,
                () -> ResponseMapper.toResponse(
                        Json.tryParse(
                                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"),
                        "m",
                        Secret.NONE,
                        ""));
        assertEquals(ErrorKind.OVERLOADED, error.kind());
    }

    @Test
    void thinkingAndRedactedThinkingBlocksKeepTheirPlace() {
        ChatResponse response = ResponseMapper.toResponse(Json.tryParse("""
                {"id":"msg_6","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4a"},
                   {"type":"thinking","thinking":"First, the tool.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3h"},
                   {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"x"}},
                   {"type":"text","text":"Here."},
                   {"type":"thinking","thinking":"","signature":""},
                   {"type":"redacted_thinking","data":""}],
                 "stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":2}}
                """), "requested", Secret.NONE, "");
        assertEquals(
                List.of(
                        new ContentPart.RedactedThinking("EmwKAhgBEgy3va3pzix/LafPsn4a"),
                        new ContentPart.Thinking("First, the tool.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"),
                        new ContentPart.Text("Here."),
                        new ContentPart.Thinking("", null)),
                response.content());
        assertEquals("Here.", response.text());
    }

    @Test
    void aStreamWithCacheUsageThinkingAndPings() {
        RecordingSink sink = feed("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","content":[],"model":"claude-opus-4-1","stop_reason":null,"usage":{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":900,"output_tokens":1}}}

                event: ping
                data: {"type": "ping"}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":" harder."}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":1}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":12}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
        assertEquals(
                List.of(
                        new StreamEvent.Start("msg_2", "claude-opus-4-1"),
                        new StreamEvent.UsageUpdate(new Usage(905, 1, 900, 0)), // message_start's, before content
                        new StreamEvent.ThinkingDelta(0, "Let me think"),
                        new StreamEvent.ThinkingDelta(0, " harder."),
                        new StreamEvent.ThinkingSignature(0, "EqQBCgIYAhIM"),
                        new StreamEvent.TextDelta(1, "Hello"),
                        new StreamEvent.UsageUpdate(new Usage(905, 12, 900, 0))),
                sink.events);
        assertEquals(StopReason.END_TURN, sink.finished);
    }

    @Test
    void aStreamsPromptCacheWritesAndReadsComeBeforeItsContent() {
        RecordingSink sink = feed("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_9","model":"m","usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":1000,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":1000,"output_tokens":7}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
        assertEquals(
                List.of(
                        new StreamEvent.Start("msg_9", "m"),
                        new StreamEvent.UsageUpdate(new Usage(1210, 1, 1000, 200)),
                        new StreamEvent.TextDelta(0, "Hi"),
                        new StreamEvent.UsageUpdate(new Usage(1210, 7, 1000, 200))),
                sink.events);
    }

    @Test
    void aStreamNumbersRedactedThinkingThinkingAndToolBlocksAndSkipsServerTools() {
        RecordingSink sink = feed("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_7","model":"m","usage":{"input_tokens":3,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgB"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{}"}}

                event: content_block_start
                data: {"type":"content_block_start","index":2,"content_block":{"type":"thinking","thinking":"","signature":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":2,"delta":{"type":"thinking_delta","thinking":"Use f."}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":2,"delta":{"type":"signature_delta","signature":"sig-2"}}

                event: content_block_start
                data: {"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_8","name":"f","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{}"}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":4}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
        assertEquals(
                List.of(
                        new StreamEvent.Start("msg_7", "m"),
                        new StreamEvent.UsageUpdate(new Usage(3, 1, 0, 0)),
                        new StreamEvent.RedactedThinking(0, "EmwKAhgB"),
                        new StreamEvent.ThinkingDelta(1, "Use f."),
                        new StreamEvent.ThinkingSignature(1, "sig-2"),
                        new StreamEvent.ToolCallDelta(2, "toolu_8", "f", ""),
                        new StreamEvent.ToolCallDelta(2, null, null, "{}"),
                        new StreamEvent.UsageUpdate(new Usage(3, 4, 0, 0))),
                sink.events);
        assertEquals(StopReason.TOOL_USE, sink.finished);
    }

    @Test
    void aWholeMessageAnsweringAStreamGivesTheThinkingEventsToo() {
        RecordingSink sink = new RecordingSink();
        new MessageStream(() -> null, "requested", Secret.NONE, false)
                .decoder(sink)
                .wholeBody("""
                {"id":"msg_8","model":"m","content":[{"type":"redacted_thinking","data":"abc"},
                  {"type":"thinking","thinking":"Hmm.","signature":"sig-8"},{"type":"text","text":"Yes."}],
                 "stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":2}}
                """);
        assertEquals(
                List.of(
                        new StreamEvent.Start("msg_8", "m"),
                        new StreamEvent.RedactedThinking(0, "abc"),
                        new StreamEvent.ThinkingDelta(1, "Hmm."),
                        new StreamEvent.ThinkingSignature(1, "sig-8"),
                        new StreamEvent.TextDelta(2, "Yes."),
                        new StreamEvent.UsageUpdate(new Usage(1, 2, 0, 0))),
                sink.events);
        assertEquals(StopReason.END_TURN, sink.finished);
    }

    @Test
    void anErrorEventBeforeContentIsARetryableFailureWithoutAnyEvent() {
        RecordingSink sink = feed("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_3","model":"m","usage":{"input_tokens":5,"output_tokens":1}}}

                event: error
                data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

                """);
        assertTrue(sink.events.isEmpty(), "the Start is held back until content: " + sink.events);
        assertEquals(ErrorKind.OVERLOADED, sink.failed.kind());
        assertEquals(200, sink.failed.upstreamStatus());
        assertTrue(Errors.retryable(sink.failed));
        assertTrue(sink.failed.getMessage().contains("overloaded_error"));
    }

    @Test
    void aStreamCutAfterMessageDeltaStillEnds() {
        RecordingSink sink = feed("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_4","model":"m","usage":{"input_tokens":5,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_5","name":"f","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"x\\": 1}"}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}
                """);
        assertEquals(new StreamEvent.ToolCallDelta(0, "toolu_5", "f", ""), sink.events.get(2));
        StreamEvent.ToolCallDelta args = assertInstanceOf(StreamEvent.ToolCallDelta.class, sink.events.get(3));
        assertNull(args.id());
        assertEquals("{\"x\": 1}", args.argumentsDelta());
        assertEquals(StopReason.TOOL_USE, sink.finished);
        assertEquals(new StreamEvent.UsageUpdate(new Usage(5, 9, 0, 0)), sink.events.get(4));
    }

    @Test
    void aStreamCutBeforeTheEndIsLeftToTheCaller() {
        RecordingSink sink = feed("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_5","model":"m","usage":{"input_tokens":5,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}
                """);
        assertNull(sink.finished, "StreamingCall fails such an attempt with CONNECTION");
        assertNull(sink.failed);
    }

    @Test
    void aMalformedEventIsUpstream() {
        RecordingSink sink = feed("event: message_start\ndata: {not json\n\n");
        assertEquals(ErrorKind.UPSTREAM, sink.failed.kind());
    }

    @Test
    void errorTypesWithoutAStatus() {
        assertEquals(ErrorKind.RATE_LIMITED, Errors.kindOfType("rate_limit_error", null));
        assertEquals(
                ErrorKind.CONTEXT_LENGTH,
                Errors.kindOfType(
                        "invalid_request_error",
                        "input length and `max_tokens` exceed context limit: 198000 + 8192 > 200000"));
        assertEquals(ErrorKind.AUTHENTICATION, Errors.kindOfType("authentication_error", null));
        assertEquals(ErrorKind.UPSTREAM, Errors.kindOfType("api_error", null));
        assertEquals(ErrorKind.UPSTREAM, Errors.kindOfType(null, null));
    }
}
