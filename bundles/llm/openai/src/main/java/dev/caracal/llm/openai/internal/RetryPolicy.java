package dev.caracal.llm.openai.internal;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which failures are tried again and after how long: exponential backoff with full jitter (a random delay in
 * {@code [0, min(maxDelay, baseDelay * 2^attempt)]}), or exactly the upstream's {@code retry-after-ms} /
 * {@code retry-after} when it gave one. A retry-after longer than {@code maxDelay} is not waited for: the failure is
 * returned with its hint so a gateway can pick another target.
 */
final class RetryPolicy {

    private final int maxRetries;
    private final Duration baseDelay;
    private final Duration maxDelay;

    RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay) {
        this.maxRetries = maxRetries;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    int maxRetries() {
        return maxRetries;
    }

    /**
     * The delay before attempt {@code retry + 1} (retry 0 is the first retry) after {@code failure}, or empty when
     * it is not tried again.
     */
    Optional<Duration> nextDelay(int retry, LlmException failure) {
        if (retry >= maxRetries || !retryable(failure)) {
            return Optional.empty();
        }
        Duration hint = failure.retryAfter();
        if (hint != null) {
            return hint.compareTo(maxDelay) > 0 ? Optional.empty() : Optional.of(hint);
        }
        long cap = maxDelay.toMillis();
        long exp = baseDelay.toMillis() << Math.min(retry, 30);
        long bound = Math.max(0, Math.min(cap, exp < 0 ? cap : exp));
        long millis = bound == 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
        return Optional.of(Duration.ofMillis(millis));
    }

    static boolean retryable(LlmException e) {
        int status = e.upstreamStatus();
        if (status != 0) {
            // an HTTP answer: only the statuses that say "try again" (a 200 with a malformed body is not one)
            return Errors.retryableStatus(status) && !Errors.quotaExhausted(e);
        }
        return e.kind() == ErrorKind.TIMEOUT || e.kind() == ErrorKind.CONNECTION;
    }
}
