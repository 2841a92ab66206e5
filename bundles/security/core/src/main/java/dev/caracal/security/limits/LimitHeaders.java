package dev.caracal.security.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers clients read to pace themselves, for a {@link RateLimiter.Decision}: OpenAI's
 * {@code x-ratelimit-limit-<what>}, {@code x-ratelimit-remaining-<what>} and {@code x-ratelimit-reset-<what>} (a
 * duration such as {@code 6m0s}), or on Anthropic's surface {@code anthropic-ratelimit-<what>-limit},
 * {@code -remaining} and {@code -reset} (an RFC 3339 time). {@code what} is {@code requests} or {@code tokens}.
 */
public final class LimitHeaders {
    private LimitHeaders() {}

    /** The headers for {@code d}, in Anthropic's names when {@code anthropic}, else in OpenAI's. */
    public static Map<String, String> of(boolean anthropic, RateLimiter.Decision d, String what) {
        Map<String, String> h = new LinkedHashMap<>();
        int remaining = Math.max(0, d.remaining());
        if (anthropic) {
            String base = "anthropic-ratelimit-" + what + "-";
            h.put(base + "limit", Integer.toString(d.limit()));
            h.put(base + "remaining", Integer.toString(remaining));
            h.put(base + "reset", Instant.now().plusNanos(d.resetNanos()).toString());
        } else {
            h.put("x-ratelimit-limit-" + what, Integer.toString(d.limit()));
            h.put("x-ratelimit-remaining-" + what, Integer.toString(remaining));
            h.put("x-ratelimit-reset-" + what, openAiDuration(d.resetNanos()));
        }
        return h;
    }

    /** OpenAI's reset format: {@code 250ms}, {@code 1s}, {@code 6m0s}. */
    public static String openAiDuration(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = (nanos + 999_999_999L) / 1_000_000_000L;
        return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
    }

    /** {@code Retry-After} in whole seconds, rounded up and at least 1. */
    public static long retryAfterSeconds(RateLimiter.Decision d) {
        return Math.max(1, (d.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
    }
}
