package dev.caracal.gateway;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.List;

/**
 * A call the gateway could not serve. {@link #exhausted()} is true when every target was tried (or skipped as
 * unhealthy) and failed: ingresses then tell clients not to retry ({@code x-should-retry: false}), since the gateway
 * already did. The kind is the last attempt's (or {@code NOT_FOUND} when no route matches the model).
 */
public class GatewayException extends LlmException {
    private static final long serialVersionUID = 1L;
    private final boolean exhausted;
    private final transient List<Attempt> attempts;

    public GatewayException(
            ErrorKind kind,
            String message,
            int upstreamStatus,
            Duration retryAfter,
            Throwable cause,
            boolean exhausted,
            List<Attempt> attempts) {
        super(kind, message, upstreamStatus, retryAfter, cause);
        this.exhausted = exhausted;
        this.attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public boolean exhausted() {
        return exhausted;
    }

    public List<Attempt> attempts() {
        return attempts;
    }
}
