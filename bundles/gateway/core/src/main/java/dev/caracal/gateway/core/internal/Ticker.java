package dev.caracal.gateway.core.internal;

import java.time.Instant;

/** The gateway's clock: a monotonic nanosecond counter, and the wall-clock time matching a reading of it. */
public interface Ticker {
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public Instant instantAt(long nanos) {
            return Instant.now().plusNanos(nanos - System.nanoTime());
        }
    };

    /** A monotonic reading, in nanoseconds; only differences between readings mean anything. */
    long nanos();

    /** The wall-clock time of a reading of {@link #nanos()} (past or future). */
    Instant instantAt(long nanos);
}
