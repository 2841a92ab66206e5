package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionRenderer.F;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;

/**
 * An error as OpenAI reports it: the HTTP status and the envelope {@code {"error":{message,type,param,code}}}, plus
 * what the ingress says in headers: {@code retry-after} when known, and {@code x-should-retry: false} when the
 * gateway already tried every target ({@code doNotRetry}).
 */
public record OpenAiError(
        int status, String type, String message, String param, String code, Duration retryAfter, boolean doNotRetry) {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String SERVER = "server_error";

    public OpenAiError {
        Objects.requireNonNull(type, "type");
        message = message == null || message.isBlank() ? defaultMessage(status) : message;
    }

    public static OpenAiError of(int status, String type, String message, String param, String code) {
        return new OpenAiError(status, type, message, param, code, null, false);
    }

    /** The envelope: all four members present, {@code param} and {@code code} null when they do not apply. */
    public ObjectNode toJson() {
        ObjectNode root = F.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        if (param == null) {
            e.putNull("param");
        } else {
            e.put("param", param);
        }
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        return root;
    }

    /**
     * {@code retry-after} in whole seconds, rounded up and at least 1, or null when unknown. Never 0: OkHttp (under
     * OpenAI's Java SDK) silently repeats a 503 that says {@code Retry-After: 0}, whatever {@code x-should-retry} says.
     */
    public String retryAfterSeconds() {
        if (retryAfter == null || retryAfter.isNegative()) {
            return null;
        }
        long ms = retryAfter.toMillis();
        return Long.toString(Math.max(1, (ms + 999) / 1000));
    }

    /** {@code retry-after-ms}, which OpenAI's SDKs read before {@code retry-after}, or null when unknown. */
    public String retryAfterMillis() {
        return retryAfter == null || retryAfter.isNegative() ? null : Long.toString(retryAfter.toMillis());
    }

    private static String defaultMessage(int status) {
        return switch (status) {
            case 400 -> "Invalid request.";
            case 401 -> "Authentication failed.";
            case 403 -> "Permission denied.";
            case 404 -> "Not found.";
            case 429 -> "Rate limit reached.";
            default -> "The server could not serve the request.";
        };
    }
}
