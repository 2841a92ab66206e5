package dev.caracal.gateway.anthropic.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.caracal.gateway.anthropic.http.codec.EventSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Arrays;

/**
 * The server-sent events a stream sends for one of the gateway's events, as the bytes to write, reused from event to
 * event. Event data is written by a generator (one per stream) straight into the event's {@code data:} lines, encoded
 * as UTF-8 as it comes: an event is never a tree, a string, or a copy of one (a tree per event, then its text, then an
 * event string, then its bytes, was most of what writing a stream allocated: issue 15).
 *
 * <p>The bytes are those of the core's {@link dev.caracal.core.http.EventStreamWriter}, which the stream wrote before:
 * an {@code event:} line, a {@code data:} line per line of the data (a {@code \r} ending a line dropped), an empty
 * line; UTF-8 as {@link String#getBytes} encodes it, a lone surrogate as {@code ?}. The JSON is what a tree's
 * {@code toString()} wrote: the generator writes characters, as that one does (a byte generator would escape
 * characters beyond the BMP). Not thread-safe: the stream's session calls it under its lock.
 */
final class SseBuffer implements EventSink {
    /**
     * The generators' buffers, from a pool any thread returns them to: a stream's events come from several threads, and
     * a generator keeps its buffer from the stream's first event to its end.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newBoundedPool(256))
            .build();

    private final Data data = new Data();
    private JsonGenerator generator;
    /** Whether an event was begun and not ended: its generator is not at the root any more. */
    private boolean inEvent;

    private byte[] bytes = new byte[512];
    private int size;
    /** A high surrogate that may pair with the next character, or 0. */
    private char high;
    /** Whether the data's last character was a {@code \r}, dropped if a line break follows. */
    private boolean cr;

    @Override
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

    @Override
    public void end() throws IOException {
        generator.flush();
        inEvent = false;
        endEvent();
    }

    @Override
    public void whole(String name, String json) {
        startEvent(name);
        chars(json, 0, json.length());
        endEvent();
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Writes the events to {@code out}, flushes it so that the client sees them at once, and forgets them. */
    void writeTo(OutputStream out) throws IOException {
        int n = size;
        size = 0;
        out.write(bytes, 0, n);
        out.flush();
    }

    /** Forgets the events not written (the encoder failed while writing them). */
    void discard() {
        if (inEvent) {
            generator = null;
            inEvent = false;
        }
        size = 0;
        high = 0;
        cr = false;
    }

    /** The stream ended: the generator's buffer goes back to the pool. */
    void close() {
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
        ascii("event: ");
        for (int i = 0; i < name.length(); i++) {
            utf8(name.charAt(i));
        }
        loneHigh();
        ascii("\ndata: ");
    }

    private void endEvent() {
        loneHigh();
        cr = false; // a \r ending the data ends its last line, and is dropped
        ascii("\n\n");
    }

    /**
     * Characters of an event's data. Printable ASCII, nearly all of an event, is copied as is; anything else, and
     * whatever follows a character that may pair with the next, goes through {@link #put}.
     */
    private void chars(CharSequence s, int off, int len) {
        ensure(len);
        for (int i = off, end = off + len; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80 && c != '\n' && c != '\r' && high == 0 && !cr) {
                bytes[size++] = (byte) c;
            } else {
                put(c);
                ensure(end - i);
            }
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
        if (cr) {
            cr = false;
            if (c == '\n') {
                ascii("\ndata: "); // the \r before a line break is dropped
                return;
            }
            utf8('\r');
        }
        if (c == '\r') {
            loneHigh();
            cr = true;
        } else if (c == '\n') {
            loneHigh();
            ascii("\ndata: ");
        } else {
            utf8(c);
        }
    }

    /** One character as UTF-8; a surrogate pair as one code point, a lone surrogate as {@code ?}. */
    private void utf8(char c) {
        ensure(4);
        if (high != 0) {
            char h = high;
            high = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(h, c);
                bytes[size++] = (byte) (0xF0 | (cp >> 18));
                bytes[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (cp & 0x3F));
                return;
            }
            bytes[size++] = '?';
        }
        if (c < 0x80) {
            bytes[size++] = (byte) c;
        } else if (c < 0x800) {
            bytes[size++] = (byte) (0xC0 | (c >> 6));
            bytes[size++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)) {
            high = c;
        } else if (Character.isLowSurrogate(c)) {
            bytes[size++] = '?';
        } else {
            bytes[size++] = (byte) (0xE0 | (c >> 12));
            bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            bytes[size++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    /** A high surrogate that no low one followed is a lone one. */
    private void loneHigh() {
        if (high != 0) {
            high = 0;
            ensure(1);
            bytes[size++] = '?';
        }
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
    }

    /** What the generator writes: the current event's data. */
    private final class Data extends Writer {
        private final CharArray view = new CharArray();

        @Override
        public void write(int c) {
            ensure(4);
            put((char) c);
        }

        @Override
        public void write(char[] chars, int off, int len) {
            view.chars = chars;
            chars(view, off, len);
            view.chars = null;
        }

        @Override
        public void write(String s, int off, int len) {
            chars(s, off, len);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    /** A char array as a {@link CharSequence}, without a copy, for {@link #chars}. */
    private static final class CharArray implements CharSequence {
        char[] chars;

        @Override
        public int length() {
            return chars.length;
        }

        @Override
        public char charAt(int index) {
            return chars[index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            throw new UnsupportedOperationException();
        }
    }
}
