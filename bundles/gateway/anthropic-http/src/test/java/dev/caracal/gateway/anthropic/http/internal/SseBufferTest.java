package dev.caracal.gateway.anthropic.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.caracal.core.http.EventStreamWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SseBuffer} writes the bytes {@link EventStreamWriter} wrote, for data made of every kind of character that
 * framing or UTF-8 treat apart (line breaks, {@code \r} alone, before a line break and at the end, surrogate pairs and
 * lone surrogates, ASCII, two- and three-byte characters), whole and written by a generator in pieces cut anywhere
 * (its buffer flushes in the middle of long data, between the halves of a pair too).
 */
class SseBufferTest {
    private static final String[] PIECES = {
        "a",
        "b c",
        "\"q\"",
        "\n",
        "\r",
        "\r\n",
        "\u00e9",
        "\u0800",
        "\uffff",
        "\ud83d\ude00",
        "\ud83d",
        "\ude00",
        "\u0001"
    };

    @Test
    void eventsAreTheBytesEventStreamWriterWrote() throws IOException {
        Random random = new Random(15);
        for (int round = 0; round < 400; round++) {
            String name = round % 2 == 0 ? "content_block_delta" : "message_start";
            String data = data(random, round % 20 == 0 ? 12_000 : random.nextInt(40));
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            EventStreamWriter.sse(expected).event(name, data); // the same event twice: nothing carries over
            EventStreamWriter.sse(expected).event(name, data);

            SseBuffer buffer = new SseBuffer();
            buffer.whole(name, data);
            JsonGenerator g = buffer.begin(name);
            g.writeRaw(data);
            buffer.end();
            ByteArrayOutputStream actual = new ByteArrayOutputStream();
            buffer.writeTo(actual);
            buffer.close();
            assertArrayEquals(expected.toByteArray(), actual.toByteArray(), () -> "data " + escaped(data));
        }
    }

    @Test
    void anEventBegunAndDiscardedLeavesNothing() throws IOException {
        SseBuffer buffer = new SseBuffer();
        JsonGenerator g = buffer.begin("x");
        g.writeStartObject();
        g.writeStringField("a", "\ud83d");
        buffer.discard();
        g = buffer.begin("ping");
        g.writeStartObject();
        g.writeStringField("type", "ping");
        g.writeEndObject();
        buffer.end();
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        buffer.writeTo(actual);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        EventStreamWriter.sse(expected).event("ping", "{\"type\":\"ping\"}");
        assertArrayEquals(expected.toByteArray(), actual.toByteArray());
    }

    private static String data(Random random, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sb.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    private static String escaped(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.toString();
    }
}
