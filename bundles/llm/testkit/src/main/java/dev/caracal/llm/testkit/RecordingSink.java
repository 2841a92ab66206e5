package dev.caracal.llm.testkit;

import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.support.StreamingCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what a provider's stream decoder does with its attempt (the events it emits, how it finished or failed),
 * for tests that feed a decoder the SSE or NDJSON lines an upstream sends. Single-threaded, as decoders are fed.
 */
public final class RecordingSink implements StreamingCall.Sink {
    /** The events emitted, in order. */
    public final List<StreamEvent> events = new ArrayList<>();
    /** How the attempt finished, or {@code null}. */
    public StopReason finished;
    /** Why the attempt failed, or {@code null}. */
    public LlmException failed;

    @Override
    public void emit(StreamEvent event) {
        events.add(event);
    }

    @Override
    public void finish(StopReason reason) {
        finished = reason;
    }

    @Override
    public void fail(LlmException error) {
        failed = error;
    }

    @Override
    public boolean isDone() {
        return finished != null || failed != null;
    }
}
