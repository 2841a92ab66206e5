package dev.caracal.security.limits;

/**
 * A token bucket that holds at most {@code perMinute} tokens and refills continuously at {@code perMinute} a minute.
 * Thread-safe; time is passed in (nanoseconds, as {@link System#nanoTime}) so tests control it.
 */
public final class TokenBucket {
    private static final double NANOS_PER_MINUTE = 60e9;
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    public TokenBucket(int perMinute, long now) {
        this.capacity = perMinute;
        this.perNano = perMinute / NANOS_PER_MINUTE;
        this.tokens = perMinute;
        this.last = now;
    }

    /** Takes {@code n} tokens if the bucket holds them; returns whether it did. */
    public synchronized boolean tryTake(double n, long now) {
        refill(now);
        if (tokens >= n) {
            tokens -= n;
            return true;
        }
        return false;
    }

    /** Takes {@code n} tokens even if that leaves the bucket in debt (usage reported after the fact). */
    public synchronized void charge(double n, long now) {
        refill(now);
        tokens -= n;
    }

    /** Whole tokens available now (never negative). */
    public synchronized int available(long now) {
        refill(now);
        return (int) Math.max(0, Math.floor(tokens));
    }

    /** Nanoseconds until {@code n} tokens are available (0 when they are). */
    public synchronized long nanosUntil(double n, long now) {
        refill(now);
        return tokens >= n ? 0 : (long) Math.ceil((n - tokens) / perNano);
    }

    /** Nanoseconds until the bucket is full again. */
    public synchronized long nanosUntilFull(long now) {
        return nanosUntil(capacity, now);
    }

    /** Whether the bucket is full (it can be forgotten: a new one would be the same). */
    public synchronized boolean isFull(long now) {
        refill(now);
        return tokens >= capacity;
    }

    public int capacity() {
        return (int) capacity;
    }

    private void refill(long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            last = now;
        }
    }
}
