package dev.caracal.llm;

/** The normalized kinds of failure every provider maps its errors to. */
public enum ErrorKind {
    INVALID_REQUEST(false),
    AUTHENTICATION(false),
    PERMISSION(false),
    NOT_FOUND(false),
    CONTENT_FILTER(false),
    CONTEXT_LENGTH(false),
    RATE_LIMITED(true),
    OVERLOADED(true),
    TIMEOUT(true),
    CONNECTION(true),
    UPSTREAM(true),
    UNAVAILABLE(true);

    private final boolean retryable;

    ErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether another attempt (or another target) may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
