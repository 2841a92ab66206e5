package dev.caracal.gateway.core.internal;

import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the caller of {@code Gateway.stream} holds on both sides: its handler sees events one thread at a time and
 * nothing after the terminal event or after it cancelled, whatever the filters in between do; its handle cancels the
 * chain's handle once. A handler that throws is taken for a caller gone away: the stream is cancelled.
 */
final class GuardedStream implements StreamHandler, StreamHandle {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedStream.class);

    private final StreamHandler handler;
    private boolean closed; // guarded by this
    private volatile StreamHandle inner;
    private volatile boolean cancelled;

    GuardedStream(StreamHandler handler) {
        this.handler = handler;
    }

    @Override
    public synchronized void onEvent(StreamEvent event) {
        if (closed || cancelled || event == null) {
            return;
        }
        if (event instanceof StreamEvent.End || event instanceof StreamEvent.Error) {
            closed = true;
        }
        try {
            handler.onEvent(event);
        } catch (RuntimeException e) {
            closed = true;
            LOG.warn(
                    "A stream handler threw on {}; the stream is cancelled",
                    event.getClass().getSimpleName(),
                    e);
            cancelled = true;
            cancelInner();
        }
    }

    void attach(StreamHandle handle) {
        inner = handle;
        if (cancelled) {
            cancelInner();
        }
    }

    /** Lock-free: an event being delivered right now may still arrive, none after it. */
    @Override
    public void cancel() {
        cancelled = true;
        cancelInner();
    }

    private void cancelInner() {
        StreamHandle h = inner;
        if (h != null) {
            inner = null;
            h.cancel();
        }
    }
}
