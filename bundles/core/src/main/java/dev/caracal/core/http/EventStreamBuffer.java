package dev.caracal.core.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Arrays;

/**
 * A stream's server-sent events as the bytes to write, reused from event to event: events are written by a
 * {@link JsonGenerator} (one per stream) straight into their {@code data:} lines, encoded as UTF-8 as they come, so an
 * event is never a tree, a string, or a copy of one (a tree per event, then its text, then an event string, then its
 * bytes, was most of what writing a stream through the gateway allocated: issue 15). The ingresses' streams use it;
 * {@link EventStreamWriter} stays the simple writer for whole events.
 *
 * <p>The bytes are {@link EventStreamWriter}'s: an {@code event:} line if named, a {@code data:} line per line of the
 * data (a {@code \r} ending a line dropped), an empty line; UTF-8 as {@link String#getBytes} encodes it, a lone
 * surrogate as {@code ?}. The generator writes characters, as a Jackson tree's {@code toString()} does (a byte
 * generator would escape characters beyond the BMP). Not thread-safe: a stream writes under its own lock. An ingress
 * may subclass it to implement its codec's sink.
 */
public class EventStreamBuffer {
    /**
     * The generators' buffers, from a pool any thread returns them to: a stream's events come from several threads,
     * and a generator keeps its buffer from the stream's first event to its end (a thread's own buffer would be taken
     * by one stream at a time, and every other stream would allocate one).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newBoundedPool(256))
            .build();

    private final Data data = new Data();
    private JsonGenerator generator;
    /** Whether an event was begun and not ended: its generator is not at the root any more. */
    private boolean inEvent;

    private byte[] bytes = new byte[512];
    /** Pieces of a string's data on their way to {@link #data(char[], int, int)} (made on first use). */
    private char[] pieces;

    private int size;
    /** The data's last character when it may pair with the next: a high surrogate, or a {@code \r} before a line end. */
    private char pendingHigh;

    private boolean pendingCr;

    /**
     * Begins an event named {@code name} ({@code null}: unnamed) and returns the generator to write its data with (one
     * JSON value at the root, then {@link #end()}). The generator is the stream's, the same from event to event.
     */
    public JsonGenerator begin(String name) throws IOException {
        if (inEvent) {
            generator = null; // the event begun last did not end
        }
        if (generator == null) {
            generator = JSON.createGenerator(data);
            generator.setRootValueSeparator(null);
        }
        startEvent(name);
        inEvent = true;
        return generator;
    }

    /** The event begun last is whole. */
    public void end() throws IOException {
        generator.flush();
        inEvent = false;
        endEvent();
    }

    /** A whole event named {@code name} ({@code null}: unnamed) with {@code data} (JSON text, or any text). */
    public void event(String name, String data) {
        startEvent(name);
        data(data, 0, data.length());
        endEvent();
    }

    /** An SSE comment (a keep-alive): its text on one line. */
    public void comment(String text) {
        ascii(": ");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            encode(c == '\n' ? ' ' : c);
        }
        flushHigh();
        ascii("\n\n");
    }

    /** Whether nothing is waiting to be written. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Writes the events to {@code out}, flushes it so that the client sees them at once, and forgets them. */
    public void writeTo(OutputStream out) throws IOException {
        int n = size;
        size = 0;
        out.write(bytes, 0, n);
        out.flush();
    }

    /** Forgets the events not written (the encoder failed while writing them). */
    public void discard() {
        if (inEvent) {
            generator = null;
            inEvent = false;
        }
        size = 0;
        pendingHigh = 0;
        pendingCr = false;
    }

    /** The stream ended: the generator's buffer goes back to the pool. */
    public void close() {
        JsonGenerator g = generator;
        generator = null;
        if (g != null && !inEvent) {
            try {
                g.close();
            } catch (IOException e) {
                throw new IllegalStateException(e); // cannot happen: it writes into memory, and has nothing left
            }
        }
    }

    private void startEvent(String name) {
        if (name != null) {
            ascii("event: ");
            for (int i = 0; i < name.length(); i++) {
                encode(name.charAt(i));
            }
            flushHigh();
            ascii("\n");
        }
        ascii("data: ");
    }

    private void endEvent() {
        flushHigh();
        pendingCr = false; // a \r ending the data ends its last line, and is dropped
        ascii("\n\n");
    }

    /**
     * Characters of an event's data. Printable ASCII, nearly all of a JSON event, is copied as is; anything else, and
     * whatever follows a character that may pair with the next, goes through {@link #put}.
     */
    private void data(char[] chars, int off, int len) {
        ensure(len);
        byte[] b = bytes;
        int n = size;
        boolean plain = pendingHigh == 0 && !pendingCr;
        for (int i = off, end = off + len; i < end; i++) {
            char c = chars[i];
            if (plain && c < 0x80 && c != '\n' && c != '\r') {
                b[n++] = (byte) c;
                continue;
            }
            size = n;
            put(c);
            ensure(end - i);
            b = bytes;
            n = size;
            plain = pendingHigh == 0 && !pendingCr;
        }
        size = n;
    }

    /** As {@link #data(char[], int, int)}, from a string, through a reused buffer in pieces (no allocation). */
    private void data(String chars, int off, int len) {
        if (pieces == null) {
            pieces = new char[256];
        }
        for (int from = off, end = off + len; from < end; ) {
            int n = Math.min(end - from, pieces.length);
            chars.getChars(from, from + n, pieces, 0);
            data(pieces, 0, n);
            from += n;
        }
    }

    /** Room for {@code more} bytes. */
    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    /** One character of an event's data: a line break starts a {@code data:} line. */
    private void put(char c) {
        if (pendingCr) {
            pendingCr = false;
            if (c == '\n') {
                ascii("\ndata: "); // the \r before a line break is dropped
                return;
            }
            encode('\r');
        }
        if (c == '\r') {
            flushHigh();
            pendingCr = true;
        } else if (c == '\n') {
            flushHigh();
            ascii("\ndata: ");
        } else {
            encode(c);
        }
    }

    /** One character as UTF-8; a surrogate pair as one code point, a lone surrogate as {@code ?}. */
    private void encode(char c) {
        ensure(4);
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(high, c);
                bytes[size++] = (byte) (0xF0 | (cp >> 18));
                bytes[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (cp & 0x3F));
                return;
            }
            bytes[size++] = '?';
            encode(c);
            return;
        }
        if (c < 0x80) {
            bytes[size++] = (byte) c;
        } else if (c < 0x800) {
            bytes[size++] = (byte) (0xC0 | (c >> 6));
            bytes[size++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c)) {
            bytes[size++] = '?';
        } else {
            bytes[size++] = (byte) (0xE0 | (c >> 12));
            bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            bytes[size++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    /** A high surrogate that no low one followed is a lone one. */
    private void flushHigh() {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            ensure(1);
            bytes[size++] = '?';
        }
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            encode(s.charAt(i));
        }
    }

    /** What the generator writes: the current event's data. */
    private final class Data extends Writer {
        @Override
        public void write(int c) {
            put((char) c);
        }

        @Override
        public void write(char[] chars, int off, int len) {
            data(chars, off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            data(s, off, len);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
