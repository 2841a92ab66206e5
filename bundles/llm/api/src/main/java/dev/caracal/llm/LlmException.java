package dev.caracal.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * A normalized provider failure. {@code retryAfter} is the upstream's hint, or {@code null}; {@link #upstreamError()}
 * what the upstream said of the failure in its own terms, when it answered with one.
 */
public class LlmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final int upstreamStatus;
    private final Duration retryAfter;
    private final UpstreamError upstreamError;

    public LlmException(ErrorKind kind, String message) {
        this(kind, message, 0, null, null);
    }

    public LlmException(ErrorKind kind, String message, int upstreamStatus, Duration retryAfter, Throwable cause) {
        this(kind, message, upstreamStatus, retryAfter, cause, null);
    }

    /** A failure the upstream described in its own terms ({@code upstreamError}, or {@code null}). */
    public LlmException(
            ErrorKind kind,
            String message,
            int upstreamStatus,
            Duration retryAfter,
            Throwable cause,
            UpstreamError upstreamError) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.upstreamStatus = upstreamStatus;
        this.retryAfter = retryAfter;
        this.upstreamError = upstreamError;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The HTTP status the upstream answered, or 0 when there was no answer. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * What the upstream said of this failure: this exception's own, or else that of the first {@code LlmException}
     * among its causes (a gateway failure wraps the provider's); {@code null} when no upstream described it.
     */
    public UpstreamError upstreamError() {
        Throwable t = this;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof LlmException le && le.upstreamError != null) {
                return le.upstreamError;
            }
        }
        return null;
    }

    public boolean retryable() {
        return kind.retryable();
    }
}
