package dev.caracal.llm;

/** A running stream; {@link #cancel()} stops it (for example when the client disconnects) and frees its resources. */
@FunctionalInterface
public interface StreamHandle {
    void cancel();
}
