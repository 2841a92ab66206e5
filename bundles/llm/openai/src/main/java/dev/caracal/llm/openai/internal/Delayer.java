package dev.caracal.llm.openai.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waits before a retry without holding a thread. Tests substitute one that records the delays. */
@FunctionalInterface
interface Delayer {

    CompletableFuture<Void> after(Duration delay);

    Delayer REAL = delay -> delay.isZero() || delay.isNegative() ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay.toNanos(),
            TimeUnit.NANOSECONDS));
}
