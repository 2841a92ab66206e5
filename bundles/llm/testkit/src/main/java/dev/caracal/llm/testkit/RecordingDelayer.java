package dev.caracal.llm.testkit;

import dev.caracal.llm.support.Delayer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Delayer} for retry tests: it records the delays a retry would wait, and does not wait. */
public final class RecordingDelayer implements Delayer {

    /** The delays asked for, in order. */
    public final List<Duration> delays = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Void> after(Duration delay) {
        delays.add(delay);
        return CompletableFuture.completedFuture(null);
    }
}
