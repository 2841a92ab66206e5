package dev.caracal.llm;

import java.time.Duration;
import java.util.Objects;

/** A normalized provider failure. {@code retryAfter} is the upstream's hint, or {@code null}. */
public class LlmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final int upstreamStatus;
    private final Duration retryAfter;

    public LlmException(ErrorKind kind, String message) {
        this(kind, message, 0, null, null);
    }

    public LlmException(ErrorKind kind, String message, int upstreamStatus, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.upstreamStatus = upstreamStatus;
        this.retryAfter = retryAfter;
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

    public boolean retryable() {
        return kind.retryable();
    }
}
