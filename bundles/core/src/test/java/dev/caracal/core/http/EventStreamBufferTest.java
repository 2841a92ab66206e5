package dev.caracal.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SSE bytes of {@link EventStreamBuffer} are those {@link EventStreamWriter} writes for the same events, whatever the
 * data: line breaks of every kind, characters of one to four UTF-8 bytes, surrogates paired and lone, and data that
 * reaches it in pieces cut anywhere (as a generator flushes its buffer), a pair or a {@code \r\n} cut in two included.
 */
class EventStreamBufferTest {
    private static final char[] ALPHABET = {
        'a', 'Z', '0', ' ', '"', '\\', '{', '\n', '\r', '\t', '\u0001', '\u007f', '\u00e9', '\u07ff', '\u0800',
        '\u2028', '\uffff', '\ud83d', '\ude00', '\udbff', '\udfff'
    };

    private static String randomText(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    private static byte[] expected(String event, String data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventStreamWriter.sse(out).event(event, data);
        return out.toByteArray();
    }

    private static byte[] written(EventStreamBuffer buffer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void eventsAreTheBytesTheCoresWriterWrites() throws IOException {
        Random random = new Random(15);
        EventStreamBuffer buffer = new EventStreamBuffer();
        for (int round = 0; round < 2000; round++) {
            String data = randomText(random, random.nextInt(40));
            String name = round % 3 == 0 ? "response.output_text.delta" : null;
            buffer.event(name, data);
            assertArrayEquals(expected(name, data), written(buffer), data);
        }
    }

    @Test
    void dataWrittenInPiecesIsTheSameAsWhole() throws IOException {
        Random random = new Random(16);
        EventStreamBuffer buffer = new EventStreamBuffer();
        for (int round = 0; round < 2000; round++) {
            String data = randomText(random, 1 + random.nextInt(60));
            JsonGenerator g = buffer.begin(null);
            for (int at = 0; at < data.length(); ) {
                int piece = Math.min(data.length() - at, 1 + random.nextInt(5));
                g.writeRaw(data, at, piece);
                g.flush();
                at += piece;
            }
            buffer.end();
            assertArrayEquals(expected(null, data), written(buffer), data);
        }
    }

    @Test
    void namedEventsWrittenByTheGeneratorAreTheSameAsWhole() throws IOException {
        Random random = new Random(17);
        for (int round = 0; round < 200; round++) {
            String name = round % 2 == 0 ? "content_block_delta" : "message_start";
            String data = randomText(random, round % 20 == 0 ? 12_000 : random.nextInt(40));
            EventStreamBuffer buffer = new EventStreamBuffer();
            buffer.event(name, data);
            JsonGenerator g = buffer.begin(name);
            g.writeRaw(data); // long data: the generator flushes its buffer in the middle, a pair cut in two included
            buffer.end();
            ByteArrayOutputStream twice = new ByteArrayOutputStream();
            twice.write(expected(name, data));
            twice.write(expected(name, data)); // nothing carries over from one event to the next
            assertArrayEquals(twice.toByteArray(), written(buffer), data);
            buffer.close();
        }
    }

    @Test
    void chunksAreWrittenOneAfterAnotherWithoutSeparatorsAndCommentsOnOneLine() throws IOException {
        EventStreamBuffer buffer = new EventStreamBuffer();
        for (String text : new String[] {"one", "two"}) {
            JsonGenerator g = buffer.begin(null);
            g.writeStartObject();
            g.writeStringField("t", text);
            g.writeEndObject();
            buffer.end();
        }
        buffer.comment("keep\nalive");
        assertEquals(
                "data: {\"t\":\"one\"}\n\ndata: {\"t\":\"two\"}\n\n: keep alive\n\n",
                new String(written(buffer), "UTF-8"));
        assertTrue(buffer.isEmpty());
    }

    @Test
    void aChunkTheEncoderFailedOnIsForgotten() throws IOException {
        EventStreamBuffer buffer = new EventStreamBuffer();
        JsonGenerator g = buffer.begin(null);
        g.writeStartObject();
        g.writeFieldName("half");
        buffer.discard();
        g = buffer.begin(null);
        g.writeStartObject();
        g.writeEndObject();
        buffer.end();
        assertEquals("data: {}\n\n", new String(written(buffer), "UTF-8"));
        buffer.close();
    }
}
