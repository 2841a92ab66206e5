package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Which failures are tried again and after how long: exponential backoff with full jitter (a random delay in
 * {@code [0, min(maxDelay, baseDelay * 2^retry)]}), or exactly the upstream's {@code retry-after-ms} /
 * {@code retry-after} hint ({@link LlmException#retryAfter()}) when it gave one. A hint longer than {@code maxDelay}
 * is not waited for: the failure is returned with its hint, so a gateway can pick another target. Immutable and
 * thread-safe.
 *
 * <p>By default ({@link #retryableByDefault}) a failure with an HTTP answer is retried when its status says "try
 * again" ({@link HttpErrors#retryableStatus}), and one without (status 0) when it is a {@code TIMEOUT} or
 * {@code CONNECTION}; a provider narrows this with its own predicate (OpenAI: not for {@code insufficient_quota}).
 */
public final class RetryPolicy {

    /** Told about each retry before its delay, for logging. */
    @FunctionalInterface
    public interface Listener {
        /** Retry number {@code retry} (1 = the first retry) follows {@code failure} after {@code delay}. */
        void retrying(int retry, LlmException failure, Duration delay);
    }

    private final int maxRetries;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Predicate<LlmException> retryable;

    /** A policy with the {@link #retryableByDefault default} notion of what is retryable. */
    public RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay) {
        this(maxRetries, baseDelay, maxDelay, RetryPolicy::retryableByDefault);
    }

    /**
     * @param maxRetries extra attempts after the first (negative means none)
     * @param baseDelay  the backoff's first bound
     * @param maxDelay   the backoff's cap, and the longest upstream hint that is waited for
     * @param retryable  which failures may be tried again at all
     */
    public RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay, Predicate<LlmException> retryable) {
        this.maxRetries = Math.max(0, maxRetries);
        this.baseDelay = nonNegative(Objects.requireNonNull(baseDelay, "baseDelay"));
        this.maxDelay = nonNegative(Objects.requireNonNull(maxDelay, "maxDelay"));
        this.retryable = Objects.requireNonNull(retryable, "retryable");
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration baseDelay() {
        return baseDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * The delay before attempt {@code retry + 1} (retry 0 is the first retry) after {@code failure}, or empty when it
     * is not tried again: retries used up, not retryable, or an upstream hint beyond {@code maxDelay}.
     */
    public Optional<Duration> nextDelay(int retry, LlmException failure) {
        if (retry >= maxRetries || !retryable.test(failure)) {
            return Optional.empty();
        }
        Duration hint = failure.retryAfter();
        if (hint != null) {
            return hint.compareTo(maxDelay) > 0 ? Optional.empty() : Optional.of(hint.isNegative() ? Duration.ZERO
                    : hint);
        }
        long cap = maxDelay.toMillis();
        long exp = baseDelay.toMillis() << Math.min(retry, 30);
        long bound = Math.max(0, Math.min(cap, exp < 0 ? cap : exp));
        long millis = bound == 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
        return Optional.of(Duration.ofMillis(millis));
    }

    /**
     * Runs {@code attempt} on the calling thread until it succeeds, fails for good or the retries are used up; waits
     * with {@code delayer} in between. {@code stopped} is checked before each retry (a closing provider stops
     * retrying and throws the last failure). Only {@link LlmException}s are retried; others propagate at once.
     */
    public <T> T call(Supplier<T> attempt, Delayer delayer, BooleanSupplier stopped, Listener listener) {
        for (int retry = 0; ; retry++) {
            try {
                return attempt.get();
            } catch (LlmException e) {
                Duration delay = nextDelay(retry, e).orElse(null);
                if (delay == null || stopped.getAsBoolean()) {
                    throw e;
                }
                if (listener != null) {
                    listener.retrying(retry + 1, e, delay);
                }
                try {
                    delayer.after(delay).get();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                } catch (ExecutionException ee) {
                    throw e;
                }
            }
        }
    }

    /**
     * The default: an HTTP answer is retried when {@link HttpErrors#retryableStatus} says so (a 200 with a malformed
     * body is not), a failure without an answer when it is a {@code TIMEOUT} or {@code CONNECTION}.
     */
    public static boolean retryableByDefault(LlmException e) {
        int status = e.upstreamStatus();
        if (status != 0) {
            return HttpErrors.retryableStatus(status);
        }
        return e.kind() == ErrorKind.TIMEOUT || e.kind() == ErrorKind.CONNECTION;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxRetries=" + maxRetries + ", baseDelay=" + baseDelay + ", maxDelay=" + maxDelay + "]";
    }
}
