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
    /** The data lines after the first, joined (with the first) only when an event has more than one. */
    private final StringBuilder data = new StringBuilder();
    /** The event's first data line while it is the only one; null once a second joined it in {@link #data}. */
    private String first;

    private boolean hasData;
    private String eventName;
    private String lastId;

    /** A parser that hands each dispatched event to {@code sink}. */
    public SseParser(Consumer<SseEvent> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Feeds one line (without its line terminator). A data line costs one copy of its value (kept as the event's data
     * when it is the event's only data line, the usual case): the field name is compared in place, not cut out
     * (streams through the gateway allocated each payload five times here: field, value, value without its space,
     * the joined buffer, its string).
     */
    public void line(String line) {
        String l = line == null ? "" : line;
        int end = l.length();
        if (end > 0 && l.charAt(end - 1) == '\r') {
            end--;
        }
        if (end == 0) {
            dispatch();
            return;
        }
        if (l.charAt(0) == ':') {
            return; // comment / keep-alive
        }
        int colon = l.indexOf(':');
        int fieldEnd = colon < 0 ? end : colon;
        int from = colon < 0 ? end : colon + 1;
        if (from < end && l.charAt(from) == ' ') {
            from++;
        }
        if (is(l, fieldEnd, "data")) {
            addData(l.substring(from, end));
        } else if (is(l, fieldEnd, "event")) {
            eventName = l.substring(from, end);
        } else if (is(l, fieldEnd, "id")) {
            String value = l.substring(from, end);
            if (value.indexOf('\0') < 0) {
                lastId = value;
            }
        } // retry and unknown fields are ignored
    }

    /** Whether the line's field, its first {@code fieldEnd} characters, is {@code name}. */
    private static boolean is(String line, int fieldEnd, String name) {
        return fieldEnd == name.length() && line.startsWith(name);
    }

    private void addData(String value) {
        if (!hasData) {
            first = value;
            hasData = true;
            return;
        }
        if (first != null) {
            data.append(first);
            first = null;
        }
        data.append('\n').append(value);
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
        String payload = first != null ? first : data.toString();
        SseEvent event = new SseEvent(eventName == null || eventName.isEmpty() ? null : eventName, payload, lastId);
        first = null;
        data.setLength(0);
        hasData = false;
        eventName = null;
        sink.accept(event);
    }
}
