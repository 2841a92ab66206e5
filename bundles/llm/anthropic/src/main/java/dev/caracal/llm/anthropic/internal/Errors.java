package dev.caracal.llm.anthropic.internal;

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
 * Anthropic errors: the envelope {@code {"type": "error", "error": {"type", "message"}}} (also tolerated without
 * the outer {@code type}, or as {@code {"error": "text"}}), on an HTTP error status or as an {@code error} event
 * inside a stream. Kinds follow the status ({@link HttpErrors#kindOfStatus}), refined by the error type and message:
 * a prompt that is too long is {@code CONTEXT_LENGTH}; {@code overloaded_error} is {@code OVERLOADED}.
 */
final class Errors {

    /** The wire format of this provider's errors ({@link UpstreamError#format}). */
    static final String FORMAT = "anthropic";

    private Errors() {}

    /** The error type and message of an envelope (either may be {@code null}). */
    record Envelope(String type, String message) {
        static Envelope of(JsonNode root) {
            if (root == null || !root.isObject()) {
                return new Envelope(null, null);
            }
            JsonNode error = root.get("error");
            if (error != null && error.isTextual()) {
                return new Envelope(null, error.asText());
            }
            if (error != null && error.isObject()) {
                return new Envelope(Json.textOrNull(error.get("type")), Json.textOrNull(error.get("message")));
            }
            return new Envelope(null, Json.textOrNull(root.get("message")));
        }
    }

    /** An HTTP error answer. */
    static LlmException fromResponse(int status, HttpHeaders headers, String body, Secret secret) {
        JsonNode root = Json.tryParse(body);
        Envelope envelope = Envelope.of(root);
        ErrorKind kind = kindOf(status, envelope.type(), envelope.message());
        String text =
                HttpErrors.describe(status, envelope.type(), null, envelope.message(), root == null ? body : null);
        String requestId =
                headers == null ? null : headers.firstValue("request-id").orElse(null);
        if (requestId == null && root != null && root.isObject()) {
            requestId = Json.textOrNull(root.get("request_id"));
        }
        return new LlmException(
                kind,
                secret.redact(text),
                status,
                HttpErrors.retryAfter(headers).orElse(null),
                null,
                new UpstreamError(FORMAT, envelope.type(), null, null, requestId));
    }

    /** An {@code error} event inside a stream that began with HTTP 200. */
    static LlmException fromStreamEvent(JsonNode event, Secret secret) {
        Envelope envelope = Envelope.of(event);
        ErrorKind kind = kindOfType(envelope.type(), envelope.message());
        String text = "the upstream sent an error in the stream"
                + (envelope.type() == null ? "" : " (" + envelope.type() + ")") + ": "
                + (envelope.message() == null ? "no message" : envelope.message());
        String requestId = event == null || !event.isObject() ? null : Json.textOrNull(event.get("request_id"));
        return new LlmException(
                kind,
                secret.redact(text),
                200,
                null,
                null,
                new UpstreamError(FORMAT, envelope.type(), null, null, requestId));
    }

    static ErrorKind kindOf(int status, String type, String message) {
        ErrorKind byStatus = HttpErrors.kindOfStatus(status);
        if (byStatus == ErrorKind.INVALID_REQUEST && contextLength(message)) {
            return ErrorKind.CONTEXT_LENGTH;
        }
        if ("overloaded_error".equals(type) && status >= 500) {
            return ErrorKind.OVERLOADED;
        }
        return byStatus;
    }

    /** The kind an error type means without a status (a stream's error event). */
    static ErrorKind kindOfType(String type, String message) {
        if (type == null) {
            return ErrorKind.UPSTREAM;
        }
        return switch (type) {
            case "invalid_request_error" ->
                contextLength(message) ? ErrorKind.CONTEXT_LENGTH : ErrorKind.INVALID_REQUEST;
            case "request_too_large" -> ErrorKind.INVALID_REQUEST;
            case "authentication_error" -> ErrorKind.AUTHENTICATION;
            case "permission_error", "billing_error" -> ErrorKind.PERMISSION;
            case "not_found_error" -> ErrorKind.NOT_FOUND;
            case "rate_limit_error" -> ErrorKind.RATE_LIMITED;
            case "overloaded_error" -> ErrorKind.OVERLOADED;
            case "timeout_error" -> ErrorKind.TIMEOUT;
            default -> ErrorKind.UPSTREAM; // api_error and unknown types
        };
    }

    /** "prompt is too long: 210000 tokens > 200000 maximum", "input length and max_tokens exceed context limit". */
    static boolean contextLength(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("prompt is too long")
                || m.contains("exceed context limit")
                || m.contains("context window")
                || m.contains("context length");
    }

    /**
     * What is tried again: the default rule (408, 429, 5xx, 529, timeouts, connection failures), plus an
     * {@code overloaded_error} or {@code rate_limit_error} event that ends a stream before any content.
     */
    static boolean retryable(LlmException e) {
        if (e.upstreamStatus() == 200) {
            return e.kind() == ErrorKind.OVERLOADED || e.kind() == ErrorKind.RATE_LIMITED;
        }
        return RetryPolicy.retryableByDefault(e);
    }
}
