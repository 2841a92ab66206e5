package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.Target;
import dev.caracal.gateway.TargetHealth.BreakerState;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The failures and skips of one call, kept only once something went wrong (a call served by its first target
 * allocates none of this), and the {@link GatewayException} that reports them when every target failed.
 */
final class Outcomes {
    private static final int MAX_MESSAGE = 160;

    private final StringBuilder notes = new StringBuilder();
    private LlmException last;
    private long earliestRetryNanos = Long.MAX_VALUE;
    private boolean limited;

    /** A target was skipped because what it reaches is not there; {@code reason} says what. */
    void absent(String providerId, String model, String reason) {
        note(providerId, model).append("skipped, ").append(reason);
    }

    void refused(String providerId, String model, Breaker.State state, long now) {
        StringBuilder sb = note(providerId, model);
        if (state.state() == BreakerState.HALF_OPEN) {
            sb.append("skipped, circuit half-open with its probes in flight");
            earliestRetryNanos = Math.min(earliestRetryNanos, 0);
        } else {
            long wait = Math.max(0, state.retryAtNanos() - now);
            sb.append("skipped, circuit open for ").append(seconds(wait)).append(" s");
            earliestRetryNanos = Math.min(earliestRetryNanos, wait);
        }
    }

    void failed(String providerId, String model, LlmException e) {
        last = e;
        StringBuilder sb = note(providerId, model).append(e.kind().name().toLowerCase(Locale.ROOT));
        if (e.upstreamStatus() > 0) {
            sb.append(" (").append(e.upstreamStatus()).append(')');
        }
        String m = e.getMessage();
        if (m != null && !m.isBlank()) {
            sb.append(": ").append(m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m);
        }
    }

    /** Targets were left untried because {@code maxAttempts} was reached. */
    void limited() {
        limited = true;
    }

    GatewayException exhausted(String route, CallContext context) {
        ErrorKind kind = last == null ? ErrorKind.UNAVAILABLE : last.kind();
        Duration retryAfter = last == null ? null : last.retryAfter();
        if (retryAfter == null && earliestRetryNanos != Long.MAX_VALUE) {
            retryAfter =
                    Duration.ofSeconds(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(earliestRetryNanos + 999_999_999L)));
        }
        String message = "no target of route '" + route + "' could serve the call: " + notes
                + (limited ? "; maxAttempts reached" : "")
                + (notes.length() == 0 && !limited ? "no targets" : "");
        return new GatewayException(
                kind, message, last == null ? 0 : last.upstreamStatus(), retryAfter, last, true, context.attempts());
    }

    private StringBuilder note(String providerId, String model) {
        if (notes.length() > 0) {
            notes.append("; ");
        }
        return notes.append(providerId).append('/').append(model).append(": ");
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L);
    }

    /** A failure of the target as the gateway sees it: an {@link LlmException} as is, anything else a CONNECTION error. */
    static LlmException asLlm(Target target, Throwable e) {
        if (e instanceof LlmException le) {
            return le;
        }
        return new LlmException(
                ErrorKind.CONNECTION, "provider '" + target.providerId() + "' failed: " + e, 0, null, e);
    }

    /** A non-retryable failure of a target, reported to the caller as is (no fallback). */
    static GatewayException rejected(LlmException e, CallContext context) {
        if (e instanceof GatewayException ge) {
            return ge;
        }
        return new GatewayException(
                e.kind(), e.getMessage(), e.upstreamStatus(), e.retryAfter(), e, false, context.attempts());
    }

    static Attempt attempt(Target target, String model, long nanos, LlmException e) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return e == null
                ? new Attempt(target.providerId(), model, millis, null, 0, null)
                : new Attempt(target.providerId(), model, millis, e.kind(), e.upstreamStatus(), e.getMessage());
    }
}
