package dev.caracal.llm.support;

import static dev.caracal.llm.support.SupportTests.failureOf;
import static dev.caracal.llm.support.SupportTests.http;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What only {@link RetryPolicy#callAsync} does: wait without a thread, take an attempt that throws as a failed stage,
 * and cancel what is in flight. The decisions it shares with {@link RetryPolicy#call} are run both ways in
 * {@link RetryPolicyTest}.
 */
class RetryPolicyAsyncTest {

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
    void aRetryWaitsWithoutHoldingTheCaller() throws Exception {
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
    void anAttemptThatThrowsIsAFailedStage() {
        RetryPolicy policy = new RetryPolicy(2, Duration.ZERO, Duration.ZERO);
        LlmException invalid = http(400, ErrorKind.INVALID_REQUEST, null);
        AtomicInteger attempts = new AtomicInteger();
        assertSame(
                invalid,
                failureOf(policy.callAsync(
                        () -> {
                            attempts.incrementAndGet();
                            throw invalid; // thrown by the attempt rather than failing its stage: the same
                        },
                        new SupportTests.RecordingDelayer(),
                        () -> false,
                        null)));
        assertEquals(1, attempts.get(), "a 400 is not retried");
    }

    @Test
    void aWaitThatIsCancelledOrRefusedEndsTheCallWithTheLastFailure() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(5));
        LlmException limited = http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(2));
        ManualDelayer delayer = new ManualDelayer();
        CompletableFuture<Object> result =
                policy.callAsync(() -> CompletableFuture.failedFuture(limited), delayer, () -> false, null);
        delayer.waits.get(0).cancel(false); // e.g. the provider's timer shut down
        assertSame(limited, failureOf(result));

        Delayer refusing = delay -> {
            throw new RejectedExecutionException("timer stopped");
        };
        assertSame(
                limited,
                failureOf(
                        policy.callAsync(() -> CompletableFuture.failedFuture(limited), refusing, () -> false, null)));
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
