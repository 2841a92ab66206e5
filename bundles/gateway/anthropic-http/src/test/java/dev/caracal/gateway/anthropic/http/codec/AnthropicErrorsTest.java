package dev.caracal.gateway.anthropic.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.UpstreamError;
import org.junit.jupiter.api.Test;

/** An upstream's own error terms reach the client when it speaks Anthropic's format; its request id always does. */
class AnthropicErrorsTest {

    @Test
    void anAnthropicUpstreamsTypeAndAnyUpstreamsRequestIdAreKept() {
        LlmException overloaded = new LlmException(
                ErrorKind.UPSTREAM,
                "busy",
                500,
                null,
                null,
                new UpstreamError("anthropic", "overloaded_error", null, null, "req_011"));
        AnthropicError e = AnthropicErrors.from(
                new GatewayException(ErrorKind.UPSTREAM, "all failed", 500, null, overloaded, true, null));
        assertEquals("overloaded_error", e.type());
        assertEquals("all failed (upstream request id req_011)", e.getMessage());

        AnthropicError crossed = AnthropicErrors.from(new LlmException(
                ErrorKind.INVALID_REQUEST,
                "bad",
                400,
                null,
                null,
                new UpstreamError("openai", "invalid_request_error", "invalid_value", "messages", "req_up_1")));
        assertEquals(AnthropicError.INVALID_REQUEST, crossed.type(), "by kind: an OpenAI type means nothing here");
        assertEquals("bad (upstream request id req_up_1)", crossed.getMessage());

        assertEquals(
                "plain",
                AnthropicErrors.from(new LlmException(ErrorKind.UPSTREAM, "plain"))
                        .getMessage());
    }
}
