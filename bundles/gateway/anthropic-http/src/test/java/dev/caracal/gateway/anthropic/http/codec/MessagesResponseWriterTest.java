package dev.caracal.gateway.anthropic.http.codec;

import static dev.caracal.gateway.anthropic.http.codec.Trees.assertTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesResponseWriterTest {

    /**
     * What the writer makes of an upstream answer (of {@code upstreamModel}, null when the upstream named none) to a
     * request for {@code claude-x}, as message {@code msg_1}.
     */
    private static JsonNode written(String upstreamModel, StopReason stop, Usage usage, ContentPart... content) {
        ChatResponse r = new ChatResponse("x", upstreamModel, List.of(content), stop, usage);
        return MessagesResponseWriter.message("msg_1", "claude-x", r, List.of());
    }

    @Test
    void textAnswer() {
        assertTree(
                """
                {'id':'msg_1','type':'message','role':'assistant','model':'claude-up',
                 'content':[{'type':'text','text':'Hello!'}],
                 'stop_reason':'end_turn','stop_sequence':null,
                 'usage':{'input_tokens':12,'output_tokens':3,'cache_creation_input_tokens':0,'cache_read_input_tokens':0}}
                """, written("claude-up", StopReason.END_TURN, new Usage(12, 3, 0, 0), new ContentPart.Text("Hello!")));
    }

    @Test
    void toolUseAnswerWithCacheUsage() {
        assertTree(
                """
                {'id':'msg_1','type':'message','role':'assistant','model':'claude-x',
                 'content':[{'type':'text','text':'Checking.'},
                            {'type':'tool_use','id':'toolu_9','name':'get_weather','input':{'city':'Paris','days':[1,2]}}],
                 'stop_reason':'tool_use','stop_sequence':null,
                 'usage':{'input_tokens':33,'output_tokens':20,'cache_creation_input_tokens':7,'cache_read_input_tokens':60}}
                """,
                written(
                        null,
                        StopReason.TOOL_USE,
                        new Usage(100, 20, 60, 7),
                        new ContentPart.Text("Checking."),
                        new ContentPart.ToolUse("toolu_9", "get_weather", "{\"city\":\"Paris\",\"days\":[1,2]}")));
    }

    @Test
    void emptyArgumentsAndEmptyTextParts() {
        assertTree(
                """
                {'id':'msg_1','type':'message','role':'assistant','model':'m',
                 'content':[{'type':'tool_use','id':'toolu_1','name':'now','input':{}},
                            {'type':'tool_use','id':'toolu_2','name':'cut','input':{}}],
                 'stop_reason':'max_tokens','stop_sequence':null,
                 'usage':{'input_tokens':0,'output_tokens':0,'cache_creation_input_tokens':0,'cache_read_input_tokens':0}}
                """,
                written(
                        "m",
                        StopReason.MAX_TOKENS,
                        Usage.ZERO,
                        new ContentPart.Text(""),
                        new ContentPart.ToolUse("toolu_1", "now", ""),
                        new ContentPart.ToolUse("toolu_2", "cut", "{\"a\":")));
    }

    @Test
    void thinkingBlocksInTheAnswersOrder() {
        assertTree(
                """
                {'id':'msg_1','type':'message','role':'assistant','model':'claude-up',
                 'content':[{'type':'thinking','thinking':'Paris is in France; look it up.','signature':'EqQBCkYIsig=='},
                            {'type':'redacted_thinking','data':'EmwKAhgBEgy3va3p'},
                            {'type':'text','text':'Checking.'},
                            {'type':'tool_use','id':'toolu_9','name':'get_weather','input':{'city':'Paris'}}],
                 'stop_reason':'tool_use','stop_sequence':null,
                 'usage':{'input_tokens':10,'output_tokens':40,'cache_creation_input_tokens':0,'cache_read_input_tokens':0}}
                """,
                written(
                        "claude-up",
                        StopReason.TOOL_USE,
                        new Usage(10, 40, 0, 0),
                        new ContentPart.Thinking("Paris is in France; look it up.", "EqQBCkYIsig=="),
                        new ContentPart.RedactedThinking("EmwKAhgBEgy3va3p"),
                        new ContentPart.Text("Checking."),
                        new ContentPart.ToolUse("toolu_9", "get_weather", "{\"city\":\"Paris\"}")));
    }

    @Test
    void unsignedThinkingHasAnEmptySignatureAndEmptyThinkingIsLeftOut() {
        assertTree(
                """
                [{'type':'text','text':'Answer.'},
                 {'type':'thinking','thinking':'reasoning_content of another provider','signature':''},
                 {'type':'thinking','thinking':'','signature':'signature-of-omitted-thinking'}]
                """,
                written(
                                "m",
                                StopReason.END_TURN,
                                Usage.ZERO,
                                new ContentPart.Thinking("", null),
                                new ContentPart.Text("Answer."),
                                new ContentPart.Thinking("reasoning_content of another provider", null),
                                new ContentPart.Thinking("", "signature-of-omitted-thinking"))
                        .get("content"));
    }

    @Test
    void stopSequenceIsNamedWhenUnambiguous() {
        ChatResponse r = new ChatResponse(
                "x", "m", List.of(new ContentPart.Text("1 2 3")), StopReason.STOP_SEQUENCE, Usage.ZERO);
        assertEquals(
                "END",
                MessagesResponseWriter.message("msg", "m", r, List.of("END"))
                        .get("stop_sequence")
                        .asText());
        assertEquals(
                "stop_sequence",
                MessagesResponseWriter.message("msg", "m", r, List.of("END"))
                        .get("stop_reason")
                        .asText());
        assertEquals(
                true,
                MessagesResponseWriter.message("msg", "m", r, List.of("A", "B"))
                        .get("stop_sequence")
                        .isNull());
    }

    @Test
    void stopReasons() {
        assertEquals("end_turn", MessagesResponseWriter.stopReason(StopReason.END_TURN));
        assertEquals("max_tokens", MessagesResponseWriter.stopReason(StopReason.MAX_TOKENS));
        assertEquals("stop_sequence", MessagesResponseWriter.stopReason(StopReason.STOP_SEQUENCE));
        assertEquals("tool_use", MessagesResponseWriter.stopReason(StopReason.TOOL_USE));
        assertEquals("refusal", MessagesResponseWriter.stopReason(StopReason.CONTENT_FILTER));
    }

    @Test
    void errorStopIsABadGateway() {
        ChatResponse r = new ChatResponse("x", "m", List.of(), StopReason.ERROR, Usage.ZERO);
        AnthropicError e =
                assertThrows(AnthropicError.class, () -> MessagesResponseWriter.message("msg", "m", r, List.of()));
        assertEquals(502, e.status());
        assertEquals("api_error", e.type());
    }

    @Test
    void errorMapping() {
        Object[][] table = {
            {ErrorKind.INVALID_REQUEST, 400, "invalid_request_error"},
            {ErrorKind.CONTEXT_LENGTH, 400, "invalid_request_error"},
            {ErrorKind.CONTENT_FILTER, 400, "invalid_request_error"},
            {ErrorKind.AUTHENTICATION, 401, "authentication_error"},
            {ErrorKind.PERMISSION, 403, "permission_error"},
            {ErrorKind.NOT_FOUND, 404, "not_found_error"},
            {ErrorKind.RATE_LIMITED, 429, "rate_limit_error"},
            {ErrorKind.OVERLOADED, 529, "overloaded_error"},
            {ErrorKind.TIMEOUT, 504, "timeout_error"},
            {ErrorKind.CONNECTION, 502, "api_error"},
            {ErrorKind.UPSTREAM, 502, "api_error"},
            {ErrorKind.UNAVAILABLE, 503, "api_error"}
        };
        assertEquals(ErrorKind.values().length, table.length);
        for (Object[] row : table) {
            AnthropicError e = AnthropicErrors.from(new LlmException((ErrorKind) row[0], "boom"));
            assertEquals(row[1], e.status(), row[0].toString());
            assertEquals(row[2], e.type(), row[0].toString());
            assertEquals("boom", e.getMessage());
            assertEquals(false, e.doNotRetry());
        }
    }

    @Test
    void exhaustedGatewayFailuresSayDoNotRetry() {
        AnthropicError e = AnthropicErrors.from(new GatewayException(
                ErrorKind.RATE_LIMITED, "all targets limited", 429, Duration.ofMillis(1500), null, true, List.of()));
        assertEquals(429, e.status());
        assertEquals(true, e.doNotRetry());
        assertEquals(Duration.ofMillis(1500), e.retryAfter());
        AnthropicError notExhausted = AnthropicErrors.from(
                new GatewayException(ErrorKind.OVERLOADED, "busy", 529, null, null, false, List.of()));
        assertEquals(false, notExhausted.doNotRetry());
    }

    @Test
    void envelope() {
        assertTree(
                "{'type':'error','error':{'type':'not_found_error','message':'no such model'},'request_id':'req_1'}",
                AnthropicErrors.envelope(new AnthropicError(404, "not_found_error", "no such model"), "req_1"));
        assertTree(
                "{'type':'error','error':{'type':'api_error','message':'m'}}",
                AnthropicErrors.envelope("api_error", "m", null));
        assertEquals(
                "authentication failed",
                AnthropicErrors.from(new LlmException(ErrorKind.AUTHENTICATION, null))
                        .getMessage());
    }
}
