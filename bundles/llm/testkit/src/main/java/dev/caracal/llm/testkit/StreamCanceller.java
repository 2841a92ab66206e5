package dev.caracal.llm.testkit;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stream that its own handler cancels, from inside the handler, when the first {@code TextDelta} arrives: the
 * cancellation tests of the provider bundles. Every event is recorded in {@link #seen()};
 * {@link #countAtCancel()} holds how many events had arrived when it cancelled ({@code null} until then).
 */
public final class StreamCanceller {

    private final StreamRecorder seen = new StreamRecorder();
    private final AtomicReference<Integer> countAtCancel = new AtomicReference<>();
    private final StreamHandle handle;

    private StreamCanceller(ChatModel model, ChatRequest request) {
        AtomicReference<StreamHandle> handleRef = new AtomicReference<>();
        StreamHandle h = model.stream(request, event -> {
            seen.onEvent(event);
            if (event instanceof StreamEvent.TextDelta && countAtCancel.get() == null) {
                countAtCancel.set(seen.events.size());
                while (handleRef.get() == null) {
                    Thread.onSpinWait();
                }
                handleRef.get().cancel();
            }
        });
        handleRef.set(h);
        this.handle = h;
    }

    /** Starts streaming {@code request} on {@code model}, to be cancelled at its first text delta. */
    public static StreamCanceller atFirstTextDelta(ChatModel model, ChatRequest request) {
        return new StreamCanceller(model, request);
    }

    /** The events the handler saw. */
    public StreamRecorder seen() {
        return seen;
    }

    /** The stream's handle, as {@link ChatModel#stream} returned it. */
    public StreamHandle handle() {
        return handle;
    }

    /** How many events had been seen when the handler cancelled; {@code null} while it has not. */
    public AtomicReference<Integer> countAtCancel() {
        return countAtCancel;
    }
}
