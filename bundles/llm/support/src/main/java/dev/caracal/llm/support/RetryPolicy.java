package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
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
            return hint.compareTo(maxDelay) > 0
                    ? Optional.empty()
                    : Optional.of(hint.isNegative() ? Duration.ZERO : hint);
        }
        long cap = maxDelay.toMillis();
        long exp = baseDelay.toMillis() << Math.min(retry, 30);
        long bound = Math.max(0, Math.min(cap, exp < 0 ? cap : exp));
        long millis = bound == 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
        return Optional.of(Duration.ofMillis(millis));
    }

    /**
     * Runs {@code attempt} on the calling thread until it succeeds, fails for good or the retries are used up; waits
     * with {@code delayer} in between. {@code stopped} is checked before and after each wait (a closing provider stops
     * retrying and throws the last failure; so does a wait that fails or is cancelled, or an interrupt, which is
     * restored). Only {@link LlmException}s are retried; others propagate at once. {@link #callAsync} is the same
     * loop without a thread that waits.
     */
    public <T> T call(Supplier<T> attempt, Delayer delayer, BooleanSupplier stopped, Listener listener) {
        for (int retry = 0; ; retry++) {
            try {
                return attempt.get();
            } catch (LlmException e) {
                Duration delay = retryDelay(retry, e, stopped, listener);
                if (delay == null) {
                    throw e;
                }
                try {
                    delayer.after(delay).get();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                } catch (ExecutionException | CancellationException ee) {
                    throw e;
                }
                if (stopped.getAsBoolean()) {
                    throw e;
                }
            }
        }
    }

    /**
     * The asynchronous form of {@link #call}, with the same decisions ({@link #nextDelay}), the same listener calls and
     * the same outcomes: the returned future completes with the first success, or fails with the last
     * {@link LlmException} when it is not retried, the retries are used up, {@code stopped} says so (checked before
     * and after each wait) or a wait fails or is cancelled; a failure that is not an {@link LlmException} (thrown by
     * {@code attempt} or failing its stage, unwrapped from {@link CompletionException}) ends it at once.
     *
     * <p>Threads: {@code attempt} is first called on the calling thread, later ones on the thread that completes the
     * {@code delayer}'s future (inline, on the thread that failed the previous attempt, if that future is already
     * complete: give a delayer that hops to a thread of yours if the attempts' stages complete on a thread that must
     * not send requests). The returned future completes on the thread that completes the attempt's stage, or the
     * delayer's future when a wait ends the call. Cancelling it cancels the attempt in flight or the wait and starts no
     * further attempt.
     */
    public <T> CompletableFuture<T> callAsync(
            Supplier<? extends CompletionStage<T>> attempt,
            Delayer delayer,
            BooleanSupplier stopped,
            Listener listener) {
        return callAsync(attempt, delayer, stopped, listener, null);
    }

    /**
     * {@link #callAsync(Supplier, Delayer, BooleanSupplier, Listener)}, every attempt after the first started on
     * {@code resumeOn} (always handed over, even when the wait was already over; run inline if {@code resumeOn}
     * refuses it, which a stopped provider's executor does: the stop is then noticed and the call ends).
     */
    public <T> CompletableFuture<T> callAsync(
            Supplier<? extends CompletionStage<T>> attempt,
            Delayer delayer,
            BooleanSupplier stopped,
            Listener listener,
            Executor resumeOn) {
        AsyncCall<T> call = new AsyncCall<>(
                Objects.requireNonNull(attempt, "attempt"),
                Objects.requireNonNull(delayer, "delayer"),
                Objects.requireNonNull(stopped, "stopped"),
                listener,
                resumeOn == null
                        ? Runnable::run
                        : r -> {
                            try {
                                resumeOn.execute(r);
                            } catch (RejectedExecutionException refused) {
                                r.run();
                            }
                        });
        call.start();
        return call.result;
    }

    /**
     * Whether and after how long {@code failure} of retry {@code retry} is tried again ({@code null}: it is not), and
     * the listener told; the one decision of {@link #call} and {@link #callAsync}.
     */
    private Duration retryDelay(int retry, LlmException failure, BooleanSupplier stopped, Listener listener) {
        Duration delay = nextDelay(retry, failure).orElse(null);
        if (delay == null || stopped.getAsBoolean()) {
            return null;
        }
        if (listener != null) {
            listener.retrying(retry + 1, failure, delay);
        }
        return delay;
    }

    /** One {@link #callAsync}: at most one attempt or wait in flight at a time, which {@link #current} holds. */
    private final class AsyncCall<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Supplier<? extends CompletionStage<T>> attempt;
        private final Delayer delayer;
        private final BooleanSupplier stopped;
        private final Listener listener;
        private final Executor resumeOn;
        private int retry; // touched by one thread at a time: each step starts after the previous one ended
        private volatile Future<?> current;

        AsyncCall(
                Supplier<? extends CompletionStage<T>> attempt,
                Delayer delayer,
                BooleanSupplier stopped,
                Listener listener,
                Executor resumeOn) {
            this.resumeOn = resumeOn;
            this.attempt = attempt;
            this.delayer = delayer;
            this.stopped = stopped;
            this.listener = listener;
            result.whenComplete((value, failure) -> {
                Future<?> inFlight = current;
                if (result.isCancelled() && inFlight != null) {
                    inFlight.cancel(true);
                }
            });
        }

        void start() {
            if (result.isDone()) {
                return;
            }
            CompletableFuture<T> stage;
            try {
                stage = Objects.requireNonNull(attempt.get(), "the attempt returned no stage")
                        .toCompletableFuture();
            } catch (RuntimeException | Error e) {
                failed(e);
                return;
            }
            current = stage;
            if (result.isDone()) { // cancelled while the attempt was being started
                stage.cancel(true);
                return;
            }
            stage.whenComplete((value, failure) -> {
                if (failure == null) {
                    result.complete(value);
                } else {
                    failed(failure);
                }
            });
        }

        private void failed(Throwable failure) {
            Throwable cause = HttpErrors.unwrap(failure);
            if (!(cause instanceof LlmException e)) {
                result.completeExceptionally(cause);
                return;
            }
            if (result.isDone()) {
                return;
            }
            Duration delay = retryDelay(retry, e, stopped, listener);
            if (delay == null) {
                result.completeExceptionally(e);
                return;
            }
            retry++;
            CompletableFuture<Void> wait;
            try {
                wait = delayer.after(delay);
            } catch (RuntimeException refused) {
                result.completeExceptionally(e);
                return;
            }
            current = wait;
            if (result.isDone()) {
                wait.cancel(false);
                return;
            }
            wait.whenComplete((ignored, waitFailure) -> resumeOn.execute(() -> {
                if (waitFailure != null || stopped.getAsBoolean()) {
                    result.completeExceptionally(e);
                } else {
                    start();
                }
            }));
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
