package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiErrorsTest {

    @ParameterizedTest
    @CsvSource({
        "INVALID_REQUEST,400,invalid_request_error,",
        "AUTHENTICATION,401,authentication_error,invalid_api_key",
        "PERMISSION,403,permission_error,permission_denied",
        "NOT_FOUND,404,invalid_request_error,model_not_found",
        "CONTENT_FILTER,400,invalid_request_error,content_filter",
        "CONTEXT_LENGTH,400,invalid_request_error,context_length_exceeded",
        "RATE_LIMITED,429,rate_limit_error,rate_limit_exceeded",
        "OVERLOADED,503,server_error,overloaded",
        "UNAVAILABLE,503,server_error,service_unavailable",
        "UPSTREAM,502,server_error,upstream_error",
        "CONNECTION,502,server_error,upstream_error",
        "TIMEOUT,504,server_error,timeout"
    })
    void kinds(ErrorKind kind, int status, String type, String code) {
        OpenAiError e = OpenAiErrors.fromLlm(new LlmException(kind, "boom"));
        assertEquals(status, e.status());
        assertEquals(type, e.type());
        assertEquals(code, e.code());
        assertEquals("boom", e.message());
        assertFalse(e.doNotRetry());
    }

    @Test
    void exhaustedGatewayFailuresSayDoNotRetryAndPassRetryAfter() {
        GatewayException ge = new GatewayException(
                ErrorKind.RATE_LIMITED, "all targets rate limited", 429, Duration.ofMillis(1500), null, true, null);
        OpenAiError e = OpenAiErrors.fromLlm(ge);
        assertTrue(e.doNotRetry());
        assertEquals("2", e.retryAfterSeconds());
        assertEquals("1500", e.retryAfterMillis());
        OpenAiError plain =
                OpenAiErrors.fromLlm(new GatewayException(ErrorKind.UPSTREAM, "x", 500, null, null, false, null));
        assertFalse(plain.doNotRetry());
        OpenAiError zero = OpenAiErrors.fromLlm(new LlmException(ErrorKind.OVERLOADED, "x", 529, Duration.ZERO, null));
        assertEquals("1", zero.retryAfterSeconds());
        assertEquals("0", zero.retryAfterMillis());
        assertNull(plain.retryAfterSeconds());
    }

    @Test
    void anUpstreamsOwnTermsReachTheClientThroughTheGatewaysFailure() {
        LlmException provider = new LlmException(
                ErrorKind.INVALID_REQUEST,
                "upstream said: Invalid value",
                400,
                null,
                null,
                new dev.caracal.llm.UpstreamError(
                        "openai", "invalid_request_error", "invalid_value", "messages[0].content", "req_up_1"));
        OpenAiError e = OpenAiErrors.fromLlm(
                new GatewayException(ErrorKind.INVALID_REQUEST, "rejected", 400, null, provider, false, null));
        assertEquals("messages[0].content", e.param());
        assertEquals("invalid_value", e.code());
        assertEquals("rejected (upstream request id req_up_1)", e.message());

        LlmException anthropic = new LlmException(
                ErrorKind.INVALID_REQUEST,
                "bad",
                400,
                null,
                null,
                new dev.caracal.llm.UpstreamError("anthropic", "invalid_request_error", null, null, "req_011"));
        OpenAiError crossed = OpenAiErrors.fromLlm(anthropic);
        assertNull(crossed.code(), "another format's terms are translated by kind, not passed on");
        assertEquals("bad (upstream request id req_011)", crossed.message());
    }

    static com.fasterxml.jackson.databind.JsonNode withMessage(
            com.fasterxml.jackson.databind.node.ObjectNode n, String message) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("error")).put("message", message);
        return n;
    }

    @Test
    void envelope() {
        assertEquals(
                json("{'error':{'message':'The model x does not exist.','type':'invalid_request_error',"
                        + "'param':'model','code':'model_not_found'}}"),
                withMessage(OpenAiErrors.modelNotFound("x").toJson(), "The model x does not exist."));
        var invalid = OpenAiErrors.invalidRequest(InvalidRequestException.value("temperature", "too hot"))
                .toJson();
        assertEquals(
                "Invalid value for 'temperature': too hot",
                invalid.at("/error/message").textValue());
        assertEquals(
                json("{'error':{'message':'m','type':'invalid_request_error','param':'temperature',"
                        + "'code':'invalid_value'}}"),
                withMessage(invalid, "m"));
        assertEquals(
                json("{'error':{'message':'Rate limit reached.','type':'rate_limit_error','param':null,"
                        + "'code':null}}"),
                OpenAiError.of(429, "rate_limit_error", null, null, null).toJson());
    }
}
