package dev.caracal.llm.support;

import java.util.Objects;

/**
 * One server-sent event: its {@code event} name ({@code null} when the stream did not name it, which the SSE
 * specification reads as {@code message}), its {@code data} (the data lines joined with {@code \n}) and the last
 * {@code id} seen ({@code null} if none).
 */
public record SseEvent(String event, String data, String id) {
    public SseEvent {
        Objects.requireNonNull(data, "data");
    }

    /** Whether the event is named {@code name}; an unnamed event is named {@code message}. */
    public boolean is(String name) {
        return Objects.equals(event == null ? "message" : event, name);
    }
}
