package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link RetryPolicy#callAsync}: the decisions and outcomes of {@link RetryPolicy#call}, without a waiting thread. */
class RetryPolicyAsyncTest {

    private static LlmException http(int status, ErrorKind kind, Duration retryAfter) {
        return new LlmException(kind, "HTTP " + status, status, retryAfter, null);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS))
                .getCause();
    }

    /** Waits it is asked for, each completed only when the test says so. */
    static final class ManualDelayer implements Delayer {
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> waits = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> after(Duration delay) {
            delays.add(delay);
            CompletableFuture<Void> wait = new CompletableFuture<>();
            waits.add(wait);
            return wait;
        }
    }

    @Test
    void retriesWithTheHintAndReportsEachRetryLikeCall() throws Exception {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(5));
        ManualDelayer delayer = new ManualDelayer();
        AtomicInteger attempts = new AtomicInteger();
        List<Integer> reported = new ArrayList<>();
        CompletableFuture<String> result = policy.callAsync(
                () -> attempts.incrementAndGet() < 3
                        ? CompletableFuture.failedFuture(http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(1)))
                        : CompletableFuture.completedFuture("ok"),
                delayer,
                () -> false,
                (retry, failure, delay) -> reported.add(retry));
        assertFalse(result.isDone(), "waiting for the first retry, not blocked in it");
        assertEquals(1, attempts.get());
        delayer.waits.get(0).complete(null);
        assertEquals(2, attempts.get(), "the wait's end starts the next attempt");
        assertFalse(result.isDone());
        delayer.waits.get(1).complete(null);
        assertEquals("ok", result.get(10, TimeUnit.SECONDS));
        assertEquals(3, attempts.get());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), delayer.delays);
        assertEquals(List.of(1, 2), reported);
    }

    @Test
    void failsWithTheLastFailureWhenExhaustedNotRetryableOrStopped() {
        RetryPolicyTest.RecordingDelayer delayer = new RetryPolicyTest.RecordingDelayer();
        RetryPolicy policy = new RetryPolicy(2, Duration.ZERO, Duration.ZERO);
        LlmException busy = http(503, ErrorKind.OVERLOADED, null);
        AtomicInteger attempts = new AtomicInteger();
        assertSame(
                busy,
                failureOf(policy.callAsync(
                        () -> {
                            attempts.incrementAndGet();
                            return CompletableFuture.failedFuture(busy);
                        },
                        delayer,
                        () -> false,
                        null)));
        assertEquals(3, attempts.get(), "the first attempt and two retries");

        attempts.set(0);
        LlmException invalid = http(400, ErrorKind.INVALID_REQUEST, null);
        assertSame(
                invalid,
                failureOf(policy.callAsync(
                        () -> {
                            attempts.incrementAndGet();
                            throw invalid; // thrown by the attempt rather than failing its stage: the same
                        },
                        delayer,
                        () -> false,
                        null)));
        assertEquals(1, attempts.get(), "a 400 is not retried");

        attempts.set(0);
        assertSame(
                busy,
                failureOf(policy.callAsync(
                        () -> {
                            attempts.incrementAndGet();
                            return CompletableFuture.failedFuture(busy);
                        },
                        delayer,
                        () -> true,
                        null)));
        assertEquals(1, attempts.get(), "a stopped provider does not retry");

        attempts.set(0);
        IllegalStateException bug = new IllegalStateException("not an LlmException");
        assertSame(
                bug,
                failureOf(policy.callAsync(
                        () -> {
                            attempts.incrementAndGet();
                            return CompletableFuture.failedFuture(bug);
                        },
                        delayer,
                        () -> false,
                        null)));
        assertEquals(1, attempts.get(), "only LlmExceptions are retried");
    }

    @Test
    void stoppingDuringAWaitEndsTheCallWithTheLastFailureBothWays() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(5));
        LlmException limited = http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(2));
        AtomicBoolean stopped = new AtomicBoolean();
        // the provider closes while the wait runs
        Delayer closingMeanwhile = delay -> {
            stopped.set(true);
            return CompletableFuture.completedFuture(null);
        };
        AtomicInteger attempts = new AtomicInteger();
        assertSame(
                limited,
                failureOf(policy.callAsync(
                        () -> {
                            attempts.incrementAndGet();
                            return CompletableFuture.failedFuture(limited);
                        },
                        closingMeanwhile,
                        stopped::get,
                        null)));
        assertEquals(1, attempts.get(), "no attempt after the close");

        stopped.set(false);
        attempts.set(0);
        assertSame(
                limited,
                assertThrows(
                        LlmException.class,
                        () -> policy.call(
                                () -> {
                                    attempts.incrementAndGet();
                                    throw limited;
                                },
                                closingMeanwhile,
                                stopped::get,
                                null)));
        assertEquals(1, attempts.get(), "the blocking loop decides the same");
    }

    @Test
    void aWaitThatFailsOrIsCancelledEndsTheCallWithTheLastFailure() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(5));
        LlmException limited = http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(2));
        ManualDelayer delayer = new ManualDelayer();
        CompletableFuture<Object> result =
                policy.callAsync(() -> CompletableFuture.failedFuture(limited), delayer, () -> false, null);
        delayer.waits.get(0).cancel(false); // e.g. the provider's timer shut down
        assertSame(limited, failureOf(result));

        Delayer refusing = delay -> {
            throw new java.util.concurrent.RejectedExecutionException("timer stopped");
        };
        assertSame(
                limited,
                failureOf(
                        policy.callAsync(() -> CompletableFuture.failedFuture(limited), refusing, () -> false, null)));
        assertSame(
                limited,
                assertThrows(
                        LlmException.class,
                        () -> policy.call(
                                () -> {
                                    throw limited;
                                },
                                d -> CompletableFuture.failedFuture(new IllegalStateException("no wait")),
                                () -> false,
                                null)));
    }

    @Test
    void cancellingTheCallCancelsTheAttemptOrTheWaitInFlight() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(5));
        CompletableFuture<String> exchange = new CompletableFuture<>();
        CompletableFuture<String> result = policy.callAsync(() -> exchange, Delayer.REAL, () -> false, null);
        result.cancel(true);
        assertTrue(exchange.isCancelled(), "the attempt in flight is cancelled");

        ManualDelayer delayer = new ManualDelayer();
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> waiting = policy.callAsync(
                () -> {
                    attempts.incrementAndGet();
                    return CompletableFuture.failedFuture(http(503, ErrorKind.OVERLOADED, Duration.ofSeconds(1)));
                },
                delayer,
                () -> false,
                null);
        waiting.cancel(true);
        assertTrue(delayer.waits.get(0).isCancelled(), "the wait is cancelled");
        assertEquals(1, attempts.get(), "and no attempt follows");
    }
}
