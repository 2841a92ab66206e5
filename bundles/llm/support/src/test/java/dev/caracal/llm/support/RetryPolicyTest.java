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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    /** Records delays, never waits. */
    static final class RecordingDelayer implements Delayer {
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> after(Duration delay) {
            delays.add(delay);
            return CompletableFuture.completedFuture(null);
        }
    }

    private static LlmException http(int status, ErrorKind kind, Duration retryAfter) {
        return new LlmException(kind, "HTTP " + status, status, retryAfter, null);
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

    @Test
    void callRetriesThenSucceedsAndReportsEachRetry() {
        RecordingDelayer delayer = new RecordingDelayer();
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(5));
        AtomicInteger attempts = new AtomicInteger();
        List<Integer> reported = new ArrayList<>();
        String result = policy.call(
                () -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw http(429, ErrorKind.RATE_LIMITED, Duration.ofSeconds(1));
                    }
                    return "ok";
                },
                delayer,
                () -> false,
                (retry, failure, delay) -> reported.add(retry));
        assertEquals("ok", result);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), delayer.delays);
        assertEquals(List.of(1, 2), reported);
    }

    @Test
    void callThrowsTheLastFailureWhenStoppedOrExhausted() {
        RecordingDelayer delayer = new RecordingDelayer();
        LlmException failure = http(503, ErrorKind.OVERLOADED, null);
        RetryPolicy policy = new RetryPolicy(2, Duration.ZERO, Duration.ZERO);
        AtomicInteger attempts = new AtomicInteger();
        assertSame(
                failure,
                assertThrows(
                        LlmException.class,
                        () -> policy.call(
                                () -> {
                                    attempts.incrementAndGet();
                                    throw failure;
                                },
                                delayer,
                                () -> false,
                                null)));
        assertEquals(3, attempts.get());
        attempts.set(0);
        assertSame(
                failure,
                assertThrows(
                        LlmException.class,
                        () -> policy.call(
                                () -> {
                                    attempts.incrementAndGet();
                                    throw failure;
                                },
                                delayer,
                                () -> true,
                                null)));
        assertEquals(1, attempts.get(), "a stopped provider does not retry");
    }

    @Test
    void theRealDelayerCompletesZeroDelaysAtOnce() {
        assertTrue(Delayer.REAL.after(Duration.ZERO).isDone());
        Delayer.REAL.after(Duration.ofMillis(1)).join();
    }
}
