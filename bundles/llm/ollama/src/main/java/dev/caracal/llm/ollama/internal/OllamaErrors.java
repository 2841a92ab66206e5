package dev.caracal.llm.ollama.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Secret;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * Ollama's failures as {@link LlmException}s, on top of the support library's provider-neutral mapping
 * ({@link HttpErrors}). Ollama answers errors as {@code {"error": "text"}} with an HTTP status (proxies and mocks may
 * use the OpenAI envelope {@code {"error": {"message": ...}}}; both are read): the kind is the status's
 * ({@link HttpErrors#kindOfStatus}), CONTEXT_LENGTH when the message says the context is exceeded, and a 404 for a
 * model that is not pulled says how to pull it. Failures without an answer name the server: a refused connection —
 * the common case of Ollama not running — says so, with the base URL.
 */
final class OllamaErrors {

    private final URI baseUrl;
    private final Secret secret;

    OllamaErrors(URI baseUrl, Secret secret) {
        this.baseUrl = baseUrl;
        this.secret = secret;
    }

    /** An error answer (a non-2xx status). */
    LlmException fromResponse(int status, HttpHeaders headers, String body) {
        JsonNode root = Json.tryParse(body);
        String message = root != null && root.isObject() ? ResponseMapper.errorText(root) : null;
        StringBuilder text = new StringBuilder("Ollama at ")
                .append(baseUrl)
                .append(" answered HTTP ")
                .append(status);
        if (message != null) {
            text.append(": ").append(message);
        } else if (body != null && !body.isBlank()) {
            text.append(": ").append(HttpErrors.snippet(body));
        }
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (status == 404 && m.contains("model") && m.contains("not found")) {
            text.append(" (pull it first: ollama pull <model>)");
        }
        return new LlmException(
                kindOf(status, message),
                secret.redact(text.toString()),
                status,
                HttpErrors.retryAfter(headers).orElse(null),
                null);
    }

    static ErrorKind kindOf(int status, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if ((status == 400 || status == 413 || status == 500)
                && (m.contains("context length")
                        || m.contains("context window")
                        || m.contains("exceeds the maximum context"))) {
            return ErrorKind.CONTEXT_LENGTH;
        }
        return HttpErrors.kindOfStatus(status);
    }

    /** A failure without an HTTP answer. */
    LlmException fromThrowable(Throwable t) {
        Throwable cause = HttpErrors.unwrap(t);
        if (cause instanceof LlmException e) {
            return refine(e);
        }
        if (cause instanceof ConnectException && !(cause instanceof HttpConnectTimeoutException)) {
            return new LlmException(
                    ErrorKind.CONNECTION,
                    "cannot connect to Ollama at " + baseUrl
                            + " (connection refused): is Ollama running there? Start it with `ollama serve`, or correct "
                            + "baseUrl",
                    0,
                    null,
                    cause);
        }
        if (cause instanceof UnresolvedAddressException) {
            return new LlmException(
                    ErrorKind.CONNECTION, "cannot resolve the host of Ollama's baseUrl " + baseUrl, 0, null, cause);
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new LlmException(
                    ErrorKind.CONNECTION,
                    "connecting to Ollama at " + baseUrl + " timed out: is " + "the host up and the port open?",
                    0,
                    null,
                    cause);
        }
        return refine(HttpErrors.fromThrowable(cause, secret));
    }

    /**
     * A failure the support library mapped without knowing the server (no HTTP answer: "the upstream ..."): the
     * Ollama-specific message for a refused connection, otherwise the same failure naming the server. Failures with
     * an HTTP answer are returned as they are.
     */
    LlmException refine(LlmException e) {
        if (e.upstreamStatus() != 0 || e.getMessage() == null || !e.getMessage().contains("the upstream")) {
            return e;
        }
        Throwable cause = e.getCause();
        if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException) {
            return fromThrowable(cause);
        }
        return new LlmException(
                e.kind(), e.getMessage().replace("the upstream", "Ollama at " + baseUrl), 0, e.retryAfter(), cause);
    }

    /** A 2xx answer that is not the JSON expected: UPSTREAM with status 200, so it is never retried. */
    LlmException malformed(String what, String body) {
        return new LlmException(
                ErrorKind.UPSTREAM,
                "malformed " + what + " from Ollama at " + baseUrl + " (not the expected JSON): "
                        + secret.redact(HttpErrors.snippet(body)),
                200,
                null,
                null);
    }

    /** An {@code {"error": ...}} line inside a 200 stream. */
    LlmException inStream(String message) {
        return new LlmException(
                ErrorKind.UPSTREAM, secret.redact("Ollama sent an error in the stream: " + message), 200, null, null);
    }
}
