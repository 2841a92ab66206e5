package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.UpstreamError;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.RetryPolicy;
import dev.caracal.llm.support.Secret;
import java.net.http.HttpHeaders;
import java.util.Locale;

/**
 * The OpenAI half of error mapping: the error envelope {@code {"error": {message, type, code, param}}} and the kinds
 * its codes refine (context length, content filter, exhausted quota). Status kinds, retry-after hints and failures
 * without an answer come from {@link HttpErrors}.
 */
final class Errors {

    /** The wire format of this provider's errors ({@link UpstreamError#format}). */
    static final String FORMAT = "openai";

    private Errors() {}

    /** An error answer: the status and the OpenAI error envelope. */
    static LlmException fromResponse(int status, HttpHeaders headers, String body, Secret secret) {
        JsonNode error = null;
        JsonNode root = Json.tryParse(body);
        if (root != null) {
            error = root.get("error");
            if (error != null && error.isTextual()) { // some compatible servers: {"error": "text"}
                error = Json.MAPPER.createObjectNode().put("message", error.asText());
            }
        }
        String message = text(error, "message");
        String type = text(error, "type");
        String code = text(error, "code");
        ErrorKind kind = kindOf(status, type, code, message);
        String text = HttpErrors.describe(status, type, code, message, root == null ? body : null);
        String requestId =
                headers == null ? null : headers.firstValue("x-request-id").orElse(null);
        return new LlmException(
                kind,
                secret.redact(text),
                status,
                HttpErrors.retryAfter(headers).orElse(null),
                null,
                new UpstreamError(FORMAT, type, code, text(error, "param"), requestId));
    }

    static ErrorKind kindOf(int status, String type, String code, String message) {
        String c = code == null ? "" : code.toLowerCase(Locale.ROOT);
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (status == 400 || status == 413 || status == 422) {
            if (c.contains("context_length")
                    || t.contains("context_length")
                    || m.contains("maximum context length")
                    || m.contains("context window")) {
                return ErrorKind.CONTEXT_LENGTH;
            }
            if (c.contains("content_filter") || c.contains("content_policy") || t.contains("content_filter")) {
                return ErrorKind.CONTENT_FILTER;
            }
        }
        return HttpErrors.kindOfStatus(status);
    }

    static boolean quotaExhausted(LlmException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return m.contains("insufficient_quota");
    }

    /** The default retry rule, except that an exhausted quota will not come back by retrying. */
    static boolean retryable(LlmException e) {
        return RetryPolicy.retryableByDefault(e) && !quotaExhausted(e);
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
