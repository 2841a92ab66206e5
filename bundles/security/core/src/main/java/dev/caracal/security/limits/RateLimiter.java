package dev.caracal.security.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by name (a key id, a tenant, a client address, or one for the whole server), each holding
 * {@code perMinute}. A limit of 0 limits nothing. Full buckets are forgotten when the map grows large, so a flood of
 * distinct names cannot exhaust memory.
 */
public final class RateLimiter {
    private static final int FORGET_ABOVE = 50_000;

    /** What a check found: allowed or not, the limit, what remains, and when to retry and when it is full. */
    public record Decision(boolean allowed, int limit, int remaining, long retryAfterNanos, long resetNanos) {}

    private final int perMinute;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perMinute) {
        this.perMinute = Math.max(0, perMinute);
    }

    public boolean isOn() {
        return perMinute > 0;
    }

    public int perMinute() {
        return perMinute;
    }

    /** Takes {@code n} from {@code name}'s bucket if it holds them. */
    public Decision take(String name, double n, long now) {
        TokenBucket b = bucket(name, now);
        boolean ok = b.tryTake(n, now);
        return new Decision(ok, perMinute, b.available(now), ok ? 0 : b.nanosUntil(n, now), b.nanosUntilFull(now));
    }

    /** Charges {@code n} to {@code name}'s bucket, even into debt (usage known only after the call). */
    public void charge(String name, double n, long now) {
        if (isOn() && n > 0) {
            bucket(name, now).charge(n, now);
        }
    }

    /** Whether {@code name}'s bucket holds fewer than {@code n} (without taking any). */
    public Decision peek(String name, double n, long now) {
        TokenBucket b = buckets.get(name);
        if (b == null) {
            return new Decision(true, perMinute, perMinute, 0, 0);
        }
        long wait = b.nanosUntil(n, now);
        return new Decision(wait == 0, perMinute, b.available(now), wait, b.nanosUntilFull(now));
    }

    private TokenBucket bucket(String name, long now) {
        if (buckets.size() > FORGET_ABOVE) {
            buckets.entrySet().removeIf(e -> e.getValue().isFull(now));
        }
        return buckets.computeIfAbsent(name, k -> new TokenBucket(perMinute, now));
    }
}
