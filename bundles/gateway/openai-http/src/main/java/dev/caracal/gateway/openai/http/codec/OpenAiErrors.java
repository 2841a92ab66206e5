package dev.caracal.gateway.openai.http.codec;

import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.UpstreamError;

/** Maps normalized failures to OpenAI's statuses, error types and codes. */
public final class OpenAiErrors {

    /** The wire format of this ingress ({@link UpstreamError#format}). */
    public static final String FORMAT = "openai";

    private OpenAiErrors() {}

    public static OpenAiError invalidRequest(InvalidRequestException e) {
        return OpenAiError.of(400, OpenAiError.INVALID_REQUEST, e.getMessage(), e.param(), e.code());
    }

    /**
     * A gateway or provider failure. {@code x-should-retry: false} is asked for when the gateway already exhausted
     * its targets; the upstream's retry hint is passed on.
     */
    public static OpenAiError fromLlm(LlmException e) {
        boolean exhausted = e instanceof GatewayException ge && ge.exhausted();
        ErrorKind kind = e.kind();
        String msg = e.getMessage();
        int status;
        String type;
        String code;
        String param = null;
        switch (kind) {
            case INVALID_REQUEST -> {
                status = 400;
                type = OpenAiError.INVALID_REQUEST;
                code = null;
            }
            case AUTHENTICATION -> {
                status = 401;
                type = OpenAiError.AUTHENTICATION;
                code = "invalid_api_key";
            }
            case PERMISSION -> {
                status = 403;
                type = OpenAiError.PERMISSION;
                code = "permission_denied";
            }
            case NOT_FOUND -> {
                status = 404;
                type = OpenAiError.INVALID_REQUEST;
                code = "model_not_found";
                param = "model";
            }
            case CONTENT_FILTER -> {
                status = 400;
                type = OpenAiError.INVALID_REQUEST;
                code = "content_filter";
            }
            case CONTEXT_LENGTH -> {
                status = 400;
                type = OpenAiError.INVALID_REQUEST;
                code = "context_length_exceeded";
                param = "messages";
            }
            case RATE_LIMITED -> {
                status = 429;
                type = OpenAiError.RATE_LIMIT;
                code = "rate_limit_exceeded";
            }
            case OVERLOADED -> {
                status = 503;
                type = OpenAiError.SERVER;
                code = "overloaded";
            }
            case UNAVAILABLE -> {
                status = 503;
                type = OpenAiError.SERVER;
                code = "service_unavailable";
            }
            case UPSTREAM, CONNECTION -> {
                status = 502;
                type = OpenAiError.SERVER;
                code = "upstream_error";
            }
            case TIMEOUT -> {
                status = 504;
                type = OpenAiError.SERVER;
                code = "timeout";
            }
            default -> {
                status = 500;
                type = OpenAiError.SERVER;
                code = null;
            }
        }
        UpstreamError upstream = e.upstreamError();
        if (upstream != null) {
            if (upstream.sameFormatAs(FORMAT)) {
                // an OpenAI-format upstream's own terms, as the client would have had them from it
                type = nonBlank(upstream.type(), type);
                code = nonBlank(upstream.code(), code);
                param = nonBlank(upstream.param(), param);
            }
            if (upstream.requestId() != null && !upstream.requestId().isBlank()) {
                msg = msg + " (upstream request id " + upstream.requestId() + ")";
            }
        }
        return new OpenAiError(status, type, msg, param, code, e.retryAfter(), exhausted);
    }

    private static String nonBlank(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value;
    }

    /** No {@code Gateway} service is registered right now. */
    public static OpenAiError gatewayUnavailable() {
        return OpenAiError.of(
                503,
                OpenAiError.SERVER,
                "The LLM gateway is not running; install or start the caracal-gateway feature (see caracal:status).",
                null,
                "gateway_unavailable");
    }

    public static OpenAiError modelNotFound(String model) {
        return OpenAiError.of(
                404,
                OpenAiError.INVALID_REQUEST,
                "The model '" + model + "' does not exist.",
                "model",
                "model_not_found");
    }

    public static OpenAiError notFound(String path) {
        return OpenAiError.of(
                404, OpenAiError.INVALID_REQUEST, "Unknown request URL: " + path + ".", null, "unknown_url");
    }

    public static OpenAiError methodNotAllowed(String method, String path) {
        return OpenAiError.of(
                405,
                OpenAiError.INVALID_REQUEST,
                "Method " + method + " is not allowed on " + path + ".",
                null,
                "method_not_allowed");
    }

    public static OpenAiError bodyTooLarge(String detail) {
        return OpenAiError.of(413, OpenAiError.INVALID_REQUEST, detail, null, "request_too_large");
    }

    public static OpenAiError malformedJson(String detail) {
        return OpenAiError.of(
                400,
                OpenAiError.INVALID_REQUEST,
                "We could not parse the JSON body of your request: " + detail,
                null,
                "invalid_json");
    }

    public static OpenAiError internal(String incident) {
        return OpenAiError.of(
                500,
                OpenAiError.SERVER,
                "The server failed unexpectedly; see the log for incident " + incident + ".",
                null,
                "internal_error");
    }
}
