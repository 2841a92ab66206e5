package dev.caracal.llm.support;

import static dev.caracal.llm.support.SupportTests.failureOf;
import static dev.caracal.llm.support.SupportTests.http;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.support.SupportTests.RecordingDelayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link RetryPolicy}'s decisions, and its loops run both ways ({@link CallStyle}): they decide alike. */
class RetryPolicyTest {

    /**
     * Runs, {@code style}'s way, an attempt that fails with {@code failure} every time; checks that the call ends with
     * that very failure and returns how many attempts it made.
     */
    private static int attemptsUntilItEnds(
            CallStyle style, RetryPolicy policy, RuntimeException failure, Delayer delayer, BooleanSupplier stopped) {
        AtomicInteger attempts = new AtomicInteger();
        Supplier<Object> attempt = () -> {
            attempts.incrementAndGet();
            throw failure;
        };
        assertSame(failure, failureOf(style.run(policy, attempt, delayer, stopped, null)));
        return attempts.get();
    }

    @Test
    void fullJitterStaysWithinTheExponentialBoundAndTheCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1_000));
        LlmException e = http(503, ErrorKind.OVERLOADED, null);
        for (int round = 0; round < 200; round++) {
            for (int retry = 0; retry < 10; retry++) {
                long bound = Math.min(1_000, 100L << retry);
                long ms = policy.nextDelay(retry, e).orElseThrow().toMillis();
                assertTrue(ms >= 0 && ms <= bound, retry + ": " + ms + " > " + bound);
            }
        }
    }

    @Test
    void theUpstreamHintIsUsedExactlyUnlessBeyondTheCap() {
        RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5));
        assertEquals(
                Duration.ofSeconds(2),
                policy.nextDelay(0, http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(2)))
                        .orElseThrow());
        assertTrue(policy.nextDelay(0, http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(6)))
                .isEmpty());
    }

    @Test
    void stopsAfterMaxRetriesAndForNonRetryableFailures() {
        RetryPolicy policy = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
        assertEquals(
                Duration.ZERO,
                policy.nextDelay(0, http(500, ErrorKind.UPSTREAM, null)).orElseThrow());
        assertTrue(policy.nextDelay(1, http(500, ErrorKind.UPSTREAM, null)).isEmpty());
        assertTrue(
                policy.nextDelay(0, http(400, ErrorKind.INVALID_REQUEST, null)).isEmpty());
        assertTrue(
                policy.nextDelay(0, HttpErrors.malformed("x", "garbage", null)).isEmpty(), "a 200 is final");
        assertTrue(new RetryPolicy(-3, Duration.ZERO, Duration.ZERO)
                .nextDelay(0, http(503, ErrorKind.OVERLOADED, null))
                .isEmpty());
    }

    @Test
    void defaultRetryability() {
        assertTrue(RetryPolicy.retryableByDefault(new LlmException(ErrorKind.TIMEOUT, "t")));
        assertTrue(RetryPolicy.retryableByDefault(new LlmException(ErrorKind.CONNECTION, "c")));
        assertFalse(RetryPolicy.retryableByDefault(new LlmException(ErrorKind.UPSTREAM, "u")));
        assertFalse(RetryPolicy.retryableByDefault(new LlmException(ErrorKind.UNAVAILABLE, "gone")));
        for (int s : new int[] {408, 429, 500, 502, 503, 504, 529}) {
            assertTrue(RetryPolicy.retryableByDefault(http(s, HttpErrors.kindOfStatus(s), null)), "" + s);
        }
        for (int s : new int[] {400, 401, 403, 404, 413, 422, 501}) {
            assertFalse(RetryPolicy.retryableByDefault(http(s, HttpErrors.kindOfStatus(s), null)), "" + s);
        }
    }

    @Test
    void aCustomPredicateNarrowsRetries() {
        RetryPolicy policy = new RetryPolicy(
                3,
                Duration.ZERO,
                Duration.ZERO,
                e -> RetryPolicy.retryableByDefault(e) && !e.getMessage().contains("quota"));
        assertTrue(policy.nextDelay(0, new LlmException(ErrorKind.RATE_LIMITED, "quota", 429, null, null))
                .isEmpty());
        assertTrue(policy.nextDelay(0, new LlmException(ErrorKind.RATE_LIMITED, "slow", 429, null, null))
                .isPresent());
    }

    @ParameterizedTest
    @EnumSource(CallStyle.class)
    void retriesWithTheHintThenSucceedsAndReportsEachRetry(CallStyle style) throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(5));
        AtomicInteger attempts = new AtomicInteger();
        List<Integer> reported = new ArrayList<>();
        CompletableFuture<Object> result = style.run(
                policy,
                () -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(1));
                    }
                    return "ok";
                },
                delayer,
                () -> false,
                (retry, failure, delay) -> reported.add(retry));
        assertEquals("ok", result.get(10, TimeUnit.SECONDS));
        assertEquals(3, attempts.get());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), delayer.delays);
        assertEquals(List.of(1, 2), reported);
    }

    @ParameterizedTest
    @EnumSource(CallStyle.class)
    void endsWithTheLastFailureWhenExhaustedNotRetryableOrStopped(CallStyle style) {
        RecordingDelayer delayer = new RecordingDelayer();
        RetryPolicy policy = new RetryPolicy(2, Duration.ZERO, Duration.ZERO);
        LlmException busy = http(503, ErrorKind.OVERLOADED, null);
        assertEquals(
                3, attemptsUntilItEnds(style, policy, busy, delayer, () -> false), "the first attempt and two retries");
        LlmException invalid = http(400, ErrorKind.INVALID_REQUEST, null);
        assertEquals(1, attemptsUntilItEnds(style, policy, invalid, delayer, () -> false), "a 400 is not retried");
        assertEquals(
                1, attemptsUntilItEnds(style, policy, busy, delayer, () -> true), "a stopped provider does not retry");
        IllegalStateException bug = new IllegalStateException("not an LlmException");
        assertEquals(
                1, attemptsUntilItEnds(style, policy, bug, delayer, () -> false), "only LlmExceptions are retried");
    }

    @ParameterizedTest
    @EnumSource(CallStyle.class)
    void stoppingDuringAWaitEndsTheCallWithTheLastFailure(CallStyle style) {
        RetryPolicy policy = new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(5));
        LlmException limited = http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(2));
        AtomicBoolean stopped = new AtomicBoolean();
        // the provider closes while the wait runs
        Delayer closingMeanwhile = delay -> {
            stopped.set(true);
            return CompletableFuture.completedFuture(null);
        };
        assertEquals(
                1,
                attemptsUntilItEnds(style, policy, limited, closingMeanwhile, stopped::get),
                "no attempt after the close");
    }

    @ParameterizedTest
    @EnumSource(CallStyle.class)
    void aWaitThatFailsEndsTheCallWithTheLastFailure(CallStyle style) {
        RetryPolicy policy = new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(5));
        LlmException limited = http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(2));
        Delayer failingWait = d -> CompletableFuture.failedFuture(new IllegalStateException("no wait"));
        assertEquals(1, attemptsUntilItEnds(style, policy, limited, failingWait, () -> false));
    }

    @Test
    void theRealDelayerCompletesZeroDelaysAtOnce() {
        assertTrue(Delayer.REAL.after(Duration.ZERO).isDone());
        Delayer.REAL.after(Duration.ofMillis(1)).join();
    }
}
