package dev.caracal.gateway.anthropic.http.codec;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure to answer in Anthropic's error envelope: the HTTP status, the error {@code type} Anthropic clients switch
 * on ({@code invalid_request_error}, {@code not_found_error}, ...), a message, and the retry hints sent as headers.
 */
public final class AnthropicError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String API = "api_error";
    public static final String TIMEOUT = "timeout_error";
    public static final String OVERLOADED = "overloaded_error";

    private final int status;
    private final String type;
    private final transient Duration retryAfter;
    private final boolean doNotRetry;

    public AnthropicError(int status, String type, String message, Duration retryAfter, boolean doNotRetry) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.retryAfter = retryAfter;
        this.doNotRetry = doNotRetry;
    }

    public AnthropicError(int status, String type, String message) {
        this(status, type, message, null, false);
    }

    /** A 400 about one request field, written as Anthropic does: {@code messages.1.content.0.type: ...}. */
    public static AnthropicError invalid(String field, String message) {
        return new AnthropicError(
                400, INVALID_REQUEST, field == null || field.isEmpty() ? message : field + ": " + message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The {@code retry-after} hint, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether clients are told not to retry ({@code x-should-retry: false}). */
    public boolean doNotRetry() {
        return doNotRetry;
    }
}
