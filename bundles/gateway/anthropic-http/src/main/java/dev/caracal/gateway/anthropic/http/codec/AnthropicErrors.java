package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.UpstreamError;

/** Maps normalized failures to Anthropic's statuses and error types, and renders the error envelope. */
public final class AnthropicErrors {

    /** The wire format of this ingress ({@link UpstreamError#format}). */
    public static final String FORMAT = "anthropic";

    private AnthropicErrors() {}

    /**
     * The Anthropic error for a gateway or provider failure. A {@link GatewayException} that is
     * {@link GatewayException#exhausted() exhausted} tells the client not to retry: the gateway already tried every
     * target.
     */
    public static AnthropicError from(LlmException e) {
        boolean exhausted = e instanceof GatewayException ge && ge.exhausted();
        String message = e.getMessage() == null || e.getMessage().isBlank() ? describe(e.kind()) : e.getMessage();
        String type = type(e.kind());
        UpstreamError upstream = e.upstreamError();
        if (upstream != null) {
            if (upstream.sameFormatAs(FORMAT)
                    && upstream.type() != null
                    && !upstream.type().isBlank()) {
                type = upstream.type(); // an Anthropic upstream's own error type, as the client would have had it
            }
            message = withUpstreamRequestId(message, upstream);
        }
        return new AnthropicError(status(e.kind()), type, message, e.retryAfter(), exhausted);
    }

    /** {@code message}, naming the upstream's request id when it gave one (what its vendor's support asks for). */
    public static String withUpstreamRequestId(String message, UpstreamError upstream) {
        return upstream.requestId() == null || upstream.requestId().isBlank()
                ? message
                : message + " (upstream request id " + upstream.requestId() + ")";
    }

    public static int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, CONTEXT_LENGTH, CONTENT_FILTER -> 400;
            case AUTHENTICATION -> 401;
            case PERMISSION -> 403;
            case NOT_FOUND -> 404;
            case RATE_LIMITED -> 429;
            case OVERLOADED -> 529;
            case TIMEOUT -> 504;
            case CONNECTION, UPSTREAM -> 502;
            case UNAVAILABLE -> 503;
        };
    }

    public static String type(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, CONTEXT_LENGTH, CONTENT_FILTER -> AnthropicError.INVALID_REQUEST;
            case AUTHENTICATION -> AnthropicError.AUTHENTICATION;
            case PERMISSION -> AnthropicError.PERMISSION;
            case NOT_FOUND -> AnthropicError.NOT_FOUND;
            case RATE_LIMITED -> AnthropicError.RATE_LIMIT;
            case OVERLOADED -> AnthropicError.OVERLOADED;
            case TIMEOUT -> AnthropicError.TIMEOUT;
            case CONNECTION, UPSTREAM, UNAVAILABLE -> AnthropicError.API;
        };
    }

    private static String describe(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> "the request was rejected as invalid";
            case CONTEXT_LENGTH -> "the prompt is too long for the model's context window";
            case CONTENT_FILTER -> "the request was refused by a content filter";
            case AUTHENTICATION -> "authentication failed";
            case PERMISSION -> "this key may not use the requested resource";
            case NOT_FOUND -> "the requested model or resource was not found";
            case RATE_LIMITED -> "rate limit exceeded";
            case OVERLOADED -> "the upstream is overloaded";
            case TIMEOUT -> "the upstream did not answer in time";
            case CONNECTION -> "the upstream could not be reached";
            case UPSTREAM -> "the upstream failed";
            case UNAVAILABLE -> "no upstream is available for this model";
        };
    }

    /** {@code {"type":"error","error":{"type":...,"message":...},"request_id":...}}; no request id when null. */
    public static ObjectNode envelope(String type, String message, String requestId) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", type);
        error.put("message", message);
        if (requestId != null) {
            root.put("request_id", requestId);
        }
        return root;
    }

    public static ObjectNode envelope(AnthropicError error, String requestId) {
        return envelope(error.type(), error.getMessage(), requestId);
    }
}
