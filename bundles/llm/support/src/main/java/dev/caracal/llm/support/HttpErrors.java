package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The provider-neutral half of error mapping: HTTP status to {@link ErrorKind}, which statuses are worth another
 * attempt, the {@code retry-after-ms} / {@code retry-after} hints, failures without an HTTP answer (timeouts, refused
 * or reset connections, cancellations), malformed bodies and the message format. Each provider reads its own error
 * envelope and refines the kind (context length, content filter, quota) on top of {@link #kindOfStatus}.
 */
public final class HttpErrors {

    /** Longest excerpt of an unexpected body quoted in a message. */
    public static final int SNIPPET = 300;

    private HttpErrors() {}

    /**
     * The kind an HTTP error status means by itself: 400/413/422 and other 4xx {@code INVALID_REQUEST}, 401
     * {@code AUTHENTICATION}, 403 {@code PERMISSION}, 404 {@code NOT_FOUND}, 408 {@code TIMEOUT}, 429
     * {@code RATE_LIMITED}, 503/529 {@code OVERLOADED}, other 5xx {@code UPSTREAM}.
     */
    public static ErrorKind kindOfStatus(int status) {
        return switch (status) {
            case 401 -> ErrorKind.AUTHENTICATION;
            case 403 -> ErrorKind.PERMISSION;
            case 404 -> ErrorKind.NOT_FOUND;
            case 408 -> ErrorKind.TIMEOUT;
            case 429 -> ErrorKind.RATE_LIMITED;
            case 503, 529 -> ErrorKind.OVERLOADED;
            default -> status >= 500 ? ErrorKind.UPSTREAM : ErrorKind.INVALID_REQUEST;
        };
    }

    /** Whether another attempt at the same upstream may succeed: 408, 429, 500, 502, 503, 504 and 529. */
    public static boolean retryableStatus(int status) {
        return status == 408
                || status == 429
                || status == 500
                || status == 502
                || status == 503
                || status == 504
                || status == 529;
    }

    /** The upstream's wait hint: {@code retry-after-ms} (milliseconds) wins over {@code retry-after}. */
    public static Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        return retryAfter(
                headers.firstValue("retry-after-ms").orElse(null),
                headers.firstValue("retry-after").orElse(null));
    }

    /**
     * The wait hint from header values (either may be {@code null}): {@code retryAfterMs} in (possibly fractional)
     * milliseconds, else {@code retryAfter} in seconds or as an HTTP date (a date in the past is zero). Unusable
     * values are ignored.
     */
    public static Optional<Duration> retryAfter(String retryAfterMs, String retryAfter) {
        return retryAfter(retryAfterMs, retryAfter, Clock.systemUTC());
    }

    static Optional<Duration> retryAfter(String retryAfterMs, String retryAfter, Clock clock) {
        if (retryAfterMs != null) {
            try {
                double value = Double.parseDouble(retryAfterMs.trim());
                if (value >= 0 && Double.isFinite(value)) {
                    return Optional.of(Duration.ofNanos((long) (value * 1_000_000)));
                }
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        if (retryAfter != null) {
            String v = retryAfter.trim();
            try {
                double seconds = Double.parseDouble(v);
                if (seconds >= 0 && Double.isFinite(seconds)) {
                    return Optional.of(Duration.ofMillis((long) (seconds * 1000)));
                }
            } catch (NumberFormatException notANumber) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(clock.withZone(at.getZone())), at);
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (DateTimeParseException ignored) {
                    // unusable
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The message of an error answer: {@code upstream answered HTTP <status> (<type>/<code>): <message>}. Without a
     * message from the envelope, an excerpt of {@code rawBody} is quoted when it is given (pass {@code null} when the
     * body was a JSON envelope without a message). Redact the result.
     */
    public static String describe(int status, String type, String code, String message, String rawBody) {
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
        } else if (rawBody != null && !rawBody.isBlank()) {
            text.append(": ").append(snippet(rawBody));
        }
        return text.toString();
    }

    /**
     * A failure without an HTTP answer: connect timeouts and refused connections are {@code CONNECTION}, request
     * timeouts {@code TIMEOUT}, other I/O failures (reset, closed) {@code CONNECTION}, cancellations
     * {@code UNAVAILABLE}, anything else {@code UPSTREAM}. An {@link LlmException} (possibly wrapped) is returned as
     * is. Messages are redacted with {@code secret}.
     */
    public static LlmException fromThrowable(Throwable t, Secret secret) {
        Secret s = secret == null ? Secret.NONE : secret;
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
            return new LlmException(
                    ErrorKind.CONNECTION,
                    "cannot connect to the upstream"
                            + (cause.getMessage() == null
                                    ? " (connection refused)"
                                    : ": " + s.redact(cause.getMessage())),
                    0,
                    null,
                    cause);
        }
        if (cause instanceof IOException || cause instanceof ClosedChannelException) {
            return new LlmException(
                    ErrorKind.CONNECTION,
                    "connection to the upstream failed: "
                            + s.redact(cause.getClass().getSimpleName() + ": " + cause.getMessage()),
                    0,
                    null,
                    cause);
        }
        if (cause instanceof CancellationException) {
            return new LlmException(ErrorKind.UNAVAILABLE, "the request was cancelled", 0, null, cause);
        }
        return new LlmException(
                ErrorKind.UPSTREAM,
                "calling the upstream failed: "
                        + s.redact(cause.getClass().getSimpleName() + ": " + cause.getMessage()),
                0,
                null,
                cause);
    }

    /** The cause inside {@link CompletionException} / {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /**
     * A 2xx answer whose body is not what the protocol promises: {@code UPSTREAM} with status 200 (so the default
     * retry policy does not retry it), the message naming {@code what} and quoting the body.
     */
    public static LlmException malformed(String what, String body, Throwable cause) {
        return new LlmException(
                ErrorKind.UPSTREAM,
                "malformed " + what + " from the upstream (not the expected " + "JSON): " + snippet(body),
                200,
                null,
                cause);
    }

    /** The body stripped and cut to {@value #SNIPPET} characters ("..." marks a cut); "" for {@code null}. */
    public static String snippet(String body) {
        if (body == null) {
            return "";
        }
        String s = body.strip();
        return s.length() <= SNIPPET ? s : s.substring(0, SNIPPET) + "...";
    }
}
