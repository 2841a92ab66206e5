package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Maps HTTP answers and I/O failures to {@link LlmException}s with a normalized {@link ErrorKind}. */
final class Errors {

    private static final int SNIPPET = 300;

    private Errors() {
    }

    /** An error answer: the status and the OpenAI error envelope {@code {"error": {message, type, code, param}}}. */
    static LlmException fromResponse(int status, HttpHeaders headers, String body, Secrets secrets) {
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
        StringBuilder text = new StringBuilder("upstream answered HTTP ").append(status);
        if (type != null || code != null) {
            text.append(" (").append(type == null ? "" : type);
            if (code != null) {
                text.append(type == null ? "" : "/").append(code);
            }
            text.append(')');
        }
        if (message != null) {
            text.append(": ").append(message);
        } else if (root == null && body != null && !body.isBlank()) {
            text.append(": ").append(snippet(body));
        }
        return new LlmException(kind, secrets.redact(text.toString()), status, retryAfter(headers).orElse(null), null);
    }

    static ErrorKind kindOf(int status, String type, String code, String message) {
        String c = code == null ? "" : code.toLowerCase(Locale.ROOT);
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return switch (status) {
            case 400, 413, 422 -> {
                if (c.contains("context_length") || t.contains("context_length") || m.contains("maximum context length")
                        || m.contains("context window")) {
                    yield ErrorKind.CONTEXT_LENGTH;
                }
                if (c.contains("content_filter") || c.contains("content_policy") || t.contains("content_filter")) {
                    yield ErrorKind.CONTENT_FILTER;
                }
                yield ErrorKind.INVALID_REQUEST;
            }
            case 401 -> ErrorKind.AUTHENTICATION;
            case 403 -> ErrorKind.PERMISSION;
            case 404 -> ErrorKind.NOT_FOUND;
            case 408 -> ErrorKind.TIMEOUT;
            case 429 -> ErrorKind.RATE_LIMITED;
            case 503, 529 -> ErrorKind.OVERLOADED;
            default -> status >= 500 ? ErrorKind.UPSTREAM : ErrorKind.INVALID_REQUEST;
        };
    }

    /** Whether another attempt at the same upstream may succeed (quota exhaustion will not). */
    static boolean retryableStatus(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504
                || status == 529;
    }

    static boolean quotaExhausted(LlmException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return m.contains("insufficient_quota");
    }

    /** {@code retry-after-ms} (milliseconds) wins over {@code retry-after} (seconds or an HTTP date). */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Optional<String> ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                double value = Double.parseDouble(ms.get().trim());
                if (value >= 0 && Double.isFinite(value)) {
                    return Optional.of(Duration.ofNanos((long) (value * 1_000_000)));
                }
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        Optional<String> after = headers.firstValue("retry-after");
        if (after.isPresent()) {
            String v = after.get().trim();
            try {
                double seconds = Double.parseDouble(v);
                if (seconds >= 0 && Double.isFinite(seconds)) {
                    return Optional.of(Duration.ofMillis((long) (seconds * 1000)));
                }
            } catch (NumberFormatException notANumber) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (DateTimeParseException ignored) {
                    // unusable
                }
            }
        }
        return Optional.empty();
    }

    /** A failure without an HTTP answer: timeouts, refused or reset connections, cancellations. */
    static LlmException fromThrowable(Throwable t, Secrets secrets) {
        Throwable cause = unwrap(t);
        if (cause instanceof LlmException e) {
            return e;
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new LlmException(ErrorKind.CONNECTION, "connecting to the upstream timed out", 0, null, cause);
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return new LlmException(ErrorKind.TIMEOUT, "the upstream did not answer in time", 0, null, cause);
        }
        if (cause instanceof ConnectException) {
            return new LlmException(ErrorKind.CONNECTION, "cannot connect to the upstream"
                    + (cause.getMessage() == null ? " (connection refused)" : ": " + secrets.redact(cause.getMessage())),
                    0, null, cause);
        }
        if (cause instanceof IOException || cause instanceof ClosedChannelException) {
            return new LlmException(ErrorKind.CONNECTION, "connection to the upstream failed: "
                    + secrets.redact(cause.getClass().getSimpleName() + ": " + cause.getMessage()), 0, null, cause);
        }
        if (cause instanceof CancellationException) {
            return new LlmException(ErrorKind.UNAVAILABLE, "the request was cancelled", 0, null, cause);
        }
        return new LlmException(ErrorKind.UPSTREAM, "calling the upstream failed: "
                + secrets.redact(cause.getClass().getSimpleName() + ": " + cause.getMessage()), 0, null, cause);
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    static LlmException malformed(String what, String body, Throwable cause) {
        return new LlmException(ErrorKind.UPSTREAM, "malformed " + what + " from the upstream (not the expected "
                + "JSON): " + snippet(body), 200, null, cause);
    }

    static String snippet(String body) {
        if (body == null) {
            return "";
        }
        String s = body.strip();
        return s.length() <= SNIPPET ? s : s.substring(0, SNIPPET) + "...";
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
