package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link StreamHandler} for provider tests that records every event of a stream. It checks the streaming contract
 * as it goes: an event after the {@code End} or {@code Error} event fails at once, and {@link #await()} fails if the
 * handler was ever called concurrently. {@link #await()} waits (30 s at most) for the last event,
 * {@link #awaitFirst()} for the first.
 */
public final class StreamRecorder implements StreamHandler {

    /** The events so far, in arrival order. */
    public final List<StreamEvent> events = new CopyOnWriteArrayList<>();

    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch first = new CountDownLatch(1);
    private final AtomicInteger inside = new AtomicInteger();
    private volatile boolean concurrent;

    @Override
    public void onEvent(StreamEvent event) {
        if (inside.incrementAndGet() != 1) {
            concurrent = true;
        }
        try {
            if (ended.getCount() == 0) {
                throw new AssertionError("event after the end: " + event);
            }
            events.add(event);
            first.countDown();
            if (event instanceof StreamEvent.End || event instanceof StreamEvent.Error) {
                ended.countDown();
            }
        } finally {
            inside.decrementAndGet();
        }
    }

    /** Waits for the {@code End} or {@code Error} event; fails if none comes or the handler was called concurrently. */
    public StreamRecorder await() throws InterruptedException {
        if (!ended.await(30, TimeUnit.SECONDS)) {
            fail("the stream did not end; events so far: " + events);
        }
        assertTrue(!concurrent, "the handler was called concurrently");
        return this;
    }

    /** Waits for the first event; fails if none comes. */
    public StreamRecorder awaitFirst() throws InterruptedException {
        if (!first.await(30, TimeUnit.SECONDS)) {
            fail("no event arrived");
        }
        return this;
    }

    /** Whether the {@code End} or {@code Error} event arrived. */
    public boolean ended() {
        return ended.getCount() == 0;
    }

    /** The last event so far. */
    public StreamEvent last() {
        return events.get(events.size() - 1);
    }

    /** The events of {@code type}, in order. */
    public <T extends StreamEvent> List<T> of(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (StreamEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** The text deltas joined. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        of(StreamEvent.TextDelta.class).forEach(t -> sb.append(t.text()));
        return sb.toString();
    }

    /** The thinking deltas joined. */
    public String thinking() {
        StringBuilder sb = new StringBuilder();
        of(StreamEvent.ThinkingDelta.class).forEach(t -> sb.append(t.text()));
        return sb.toString();
    }

    /** The block indexes of the thinking, text and tool-call deltas, each once, in order of first appearance. */
    public List<Integer> blockOrder() {
        Set<Integer> order = new LinkedHashSet<>();
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.ThinkingDelta t) {
                order.add(t.index());
            } else if (e instanceof StreamEvent.TextDelta t) {
                order.add(t.index());
            } else if (e instanceof StreamEvent.ToolCallDelta t) {
                order.add(t.index());
            }
        }
        return List.copyOf(order);
    }
}
