package dev.caracal.llm.support;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns the lines of a {@code text/event-stream} body into {@link SseEvent}s, as the HTML specification's event
 * stream interpretation does: {@code event:} names the event, {@code data:} lines accumulate (joined by {@code \n}),
 * {@code id:} is remembered, a line starting with {@code :} is a comment (keep-alive), an empty line dispatches the
 * event; one space after the colon is dropped; a field line without a colon is a field with an empty value; unknown
 * fields ({@code retry}) are ignored; an event without data is not dispatched. Payloads are not interpreted, so an
 * OpenAI {@code [DONE]} is an ordinary event with data {@code [DONE]}.
 *
 * <p>Feed it lines without their terminators (a trailing {@code \r} is dropped), then call {@link #finish()} when
 * the body ends so that a last event without its empty line is not lost. Not thread-safe: one parser per stream,
 * fed from one thread at a time (as a {@code Flow.Subscriber} is).
 */
public final class SseParser {

    private final Consumer<SseEvent> sink;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventName;
    private String lastId;

    /** A parser that hands each dispatched event to {@code sink}. */
    public SseParser(Consumer<SseEvent> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Feeds one line (without its line terminator). */
    public void line(String line) {
        String l = line == null ? "" : line;
        if (l.endsWith("\r")) {
            l = l.substring(0, l.length() - 1);
        }
        if (l.isEmpty()) {
            dispatch();
            return;
        }
        if (l.charAt(0) == ':') {
            return; // comment / keep-alive
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> eventName = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastId = value;
                }
            }
            default -> {} // retry and unknown fields
        }
    }

    /** Feeds several lines at once, for example a whole body split on line breaks. */
    public void text(String text) {
        if (text == null) {
            return;
        }
        for (String l : text.split("\r\n|\n|\r", -1)) {
            line(l);
        }
    }

    /** The body ended: dispatches an event whose terminating empty line never came. */
    public void finish() {
        dispatch();
    }

    /** Whether part of an event has been read and not yet dispatched. */
    public boolean pending() {
        return hasData || eventName != null;
    }

    private void dispatch() {
        if (!hasData) {
            eventName = null;
            return;
        }
        SseEvent event =
                new SseEvent(eventName == null || eventName.isEmpty() ? null : eventName, data.toString(), lastId);
        data.setLength(0);
        hasData = false;
        eventName = null;
        sink.accept(event);
    }
}
