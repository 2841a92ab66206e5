package dev.caracal.gateway.core.internal;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test (or a scripted provider) advances it. */
final class FakeTicker implements Ticker {
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(1));

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public Instant instantAt(long n) {
        return EPOCH.plusNanos(n);
    }

    void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    void advanceSeconds(double seconds) {
        nanos.addAndGet((long) (seconds * 1e9));
    }
}
