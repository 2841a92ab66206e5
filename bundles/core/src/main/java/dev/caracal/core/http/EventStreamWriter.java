package dev.caracal.core.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a stream of events to a response body, flushing after each so the client sees it at once. Two formats:
 * Server-Sent Events ({@code text/event-stream}) and NDJSON ({@code application/x-ndjson}). Writing to a client
 * that has gone away throws {@link IOException}; the caller then cancels its work.
 */
public final class EventStreamWriter {
    public static final String SSE = "text/event-stream";
    public static final String NDJSON = "application/x-ndjson";

    private final OutputStream out;
    private final boolean sse;

    private EventStreamWriter(OutputStream out, boolean sse) {
        this.out = out;
        this.sse = sse;
    }

    public static EventStreamWriter sse(OutputStream out) {
        return new EventStreamWriter(out, true);
    }

    public static EventStreamWriter ndjson(OutputStream out) {
        return new EventStreamWriter(out, false);
    }

    /** Sets the headers a streaming response needs (type, no caching, no proxy buffering). */
    public static void prepare(javax.servlet.http.HttpServletResponse resp, String contentType) {
        resp.setStatus(200);
        resp.setContentType(contentType);
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Accel-Buffering", "no");
    }

    /**
     * Writes one event. For SSE, {@code event} (may be null) becomes an {@code event:} line and each line of
     * {@code data} a {@code data:} line; for NDJSON, {@code data} must be one line of JSON and {@code event} is ignored.
     */
    public synchronized void event(String event, String data) throws IOException {
        StringBuilder sb = new StringBuilder(data.length() + 32);
        if (sse) {
            if (event != null) {
                sb.append("event: ").append(event).append('\n');
            }
            int start = 0;
            for (int i = 0; i <= data.length(); i++) {
                if (i == data.length() || data.charAt(i) == '\n') {
                    int end = i > start && data.charAt(i - 1) == '\r' ? i - 1 : i;
                    sb.append("data: ").append(data, start, end).append('\n');
                    start = i + 1;
                }
            }
            sb.append('\n');
        } else {
            if (data.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("an NDJSON record must be a single line");
            }
            sb.append(data).append('\n');
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** An SSE comment line, used as a keep-alive; a no-op for NDJSON. */
    public synchronized void comment(String text) throws IOException {
        if (sse) {
            out.write((": " + text.replace('\n', ' ') + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
