package dev.caracal.llm.support;

import static dev.caracal.llm.support.SupportTests.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runtime's calls with retries without a waiting thread: delays scheduled on its timer, and ended by close. */
class ProviderRuntimeAsyncTest {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRuntimeAsyncTest.class);

    private static ProviderRuntime runtime(String id, Delayer delayer) {
        return SupportTests.runtime(id, new RetryPolicy(2, Duration.ofMillis(1), Duration.ofSeconds(60)), delayer);
    }

    private static LlmException limited(Duration retryAfter) {
        return new LlmException(ErrorKind.RATE_LIMITED, "upstream answered HTTP 429", 429, retryAfter, null);
    }

    @Test
    void theDelayIsScheduledOnTheTimerAndHonoursRetryAfter() throws Exception {
        try (ProviderRuntime runtime = runtime("a", Delayer.REAL)) {
            AtomicInteger attempts = new AtomicInteger();
            AtomicReference<String> retriedOn = new AtomicReference<>();
            AtomicLong retriedAt = new AtomicLong();
            long start = System.nanoTime();
            CompletableFuture<String> result = runtime.withRetriesAsync(
                    "call",
                    () -> {
                        if (attempts.incrementAndGet() == 1) {
                            return CompletableFuture.failedFuture(limited(Duration.ofMillis(300)));
                        }
                        retriedAt.set(System.nanoTime());
                        retriedOn.set(Thread.currentThread().getName());
                        return CompletableFuture.completedFuture("ok");
                    },
                    LOG);
            assertFalse(result.isDone(), "the caller is not held for the delay");
            assertEquals("ok", result.get(10, TimeUnit.SECONDS));
            assertEquals(2, attempts.get());
            assertEquals("caracal-test-a-timer-1", retriedOn.get(), "the retry starts on the provider's timer");
            assertTrue(
                    TimeUnit.NANOSECONDS.toMillis(retriedAt.get() - start) >= 300,
                    "the retry-after hint was waited for (a scheduled task never runs early)");
        }
    }

    @Test
    void aTestDelayerIsAskedForTheWaitAndTheRetryStillHopsToTheTimer() throws Exception {
        SupportTests.RecordingDelayer delayer = new SupportTests.RecordingDelayer();
        try (ProviderRuntime runtime = runtime("b", delayer)) {
            AtomicInteger attempts = new AtomicInteger();
            AtomicReference<String> retriedOn = new AtomicReference<>();
            CompletableFuture<String> result = runtime.withRetriesAsync(
                    "call",
                    () -> {
                        if (attempts.incrementAndGet() == 1) {
                            return CompletableFuture.failedFuture(limited(Duration.ofSeconds(7)));
                        }
                        retriedOn.set(Thread.currentThread().getName());
                        return CompletableFuture.completedFuture("ok");
                    },
                    LOG);
            assertEquals("ok", result.get(10, TimeUnit.SECONDS));
            assertEquals(List.of(Duration.ofSeconds(7)), delayer.delays);
            assertEquals("caracal-test-b-timer-1", retriedOn.get());
            // the blocking form waits through the same pause
            attempts.set(0);
            assertEquals(
                    "ok",
                    runtime.withRetries(
                            "call",
                            () -> {
                                if (attempts.incrementAndGet() == 1) {
                                    throw limited(Duration.ofSeconds(3));
                                }
                                return "ok";
                            },
                            LOG));
            assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(3)), delayer.delays);
        }
    }

    @Test
    void closingEndsAWaitWithTheLastFailureAndNoFurtherAttempt() throws Exception {
        ProviderRuntime runtime = runtime("c", Delayer.REAL);
        LlmException failure = limited(Duration.ofSeconds(30));
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> result = runtime.withRetriesAsync(
                "call",
                () -> {
                    attempts.incrementAndGet();
                    return CompletableFuture.failedFuture(failure);
                },
                LOG);
        assertFalse(result.isDone(), "waiting 30 s for the retry");
        runtime.close();
        assertSame(failure, failureOf(result));
        assertEquals(1, attempts.get());

        // once closed: a retryable failure is not retried, and a new call fails as ensureOpen throws
        assertSame(
                failure,
                failureOf(runtime.withRetriesAsync(
                        "call",
                        () -> {
                            attempts.incrementAndGet();
                            return CompletableFuture.failedFuture(failure);
                        },
                        LOG)));
        assertEquals(2, attempts.get());
        CompletableFuture<String> refused = runtime.callAsync(() -> {
            throw new AssertionError("not called once closed");
        });
        assertTrue(refused.isDone(), "failed at once");
        LlmException stopped = (LlmException) failureOf(refused);
        assertEquals(ErrorKind.UNAVAILABLE, stopped.kind());
        assertEquals("provider c is stopped", stopped.getMessage());
    }

    @Test
    void closingEndsABlockingWaitTheSameWay() throws Exception {
        ProviderRuntime runtime = runtime("d", Delayer.REAL);
        LlmException failure = limited(Duration.ofSeconds(30));
        CountDownLatch failedOnce = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> caller = CompletableFuture.supplyAsync(() -> runtime.withRetries(
                "call",
                () -> {
                    attempts.incrementAndGet();
                    failedOnce.countDown();
                    throw failure;
                },
                LOG));
        assertTrue(failedOnce.await(10, TimeUnit.SECONDS));
        runtime.close();
        assertSame(failure, failureOf(caller));
        assertEquals(1, attempts.get());
    }

    @Test
    void anInvalidCallFailsTheFutureInsteadOfThrowing() {
        try (ProviderRuntime runtime = runtime("e", Delayer.REAL)) {
            LlmException invalid = new LlmException(ErrorKind.INVALID_REQUEST, "no messages");
            CompletableFuture<String> result = runtime.callAsync(() -> {
                throw invalid;
            });
            assertTrue(result.isCompletedExceptionally());
            assertSame(invalid, failureOf(result));
        }
    }
}
