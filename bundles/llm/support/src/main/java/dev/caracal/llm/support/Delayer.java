package dev.caracal.llm.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Waits before a retry without holding a thread: the returned future completes after {@code delay}.
 * {@link #REAL} waits on the common delayed executor; tests substitute one that records the delays and completes at
 * once, so that no test waits or asserts on time.
 */
@ConsumerType
@FunctionalInterface
public interface Delayer {

    /** A future that completes once {@code delay} has passed (at once for zero or negative delays). */
    CompletableFuture<Void> after(Duration delay);

    /** Waits for real, on {@link CompletableFuture#delayedExecutor}. */
    Delayer REAL = delay -> delay.isZero() || delay.isNegative()
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(
                    () -> {}, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
}
