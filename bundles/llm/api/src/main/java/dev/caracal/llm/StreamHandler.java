package dev.caracal.llm;

/**
 * Receives the events of a streamed answer, in order, from one thread at a time. It is called until an {@code End}
 * or {@code Error} event, then never again.
 */
@FunctionalInterface
public interface StreamHandler {
    void onEvent(StreamEvent event);
}
