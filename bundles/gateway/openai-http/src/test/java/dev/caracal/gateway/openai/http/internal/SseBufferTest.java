package dev.caracal.gateway.openai.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.caracal.core.http.EventStreamWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SSE bytes of {@link SseBuffer} are those {@link EventStreamWriter} writes for the same events, whatever the
 * data: line breaks of every kind, characters of one to four UTF-8 bytes, surrogates paired and lone, and data that
 * reaches it in pieces cut anywhere (as a generator flushes its buffer), a pair or a {@code \r\n} cut in two included.
 */
class SseBufferTest {
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

    private static byte[] written(SseBuffer buffer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void eventsAreTheBytesTheCoresWriterWrites() throws IOException {
        Random random = new Random(15);
        SseBuffer buffer = new SseBuffer();
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
        SseBuffer buffer = new SseBuffer();
        for (int round = 0; round < 2000; round++) {
            String data = randomText(random, 1 + random.nextInt(60));
            JsonGenerator g = buffer.begin();
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
    void chunksAreWrittenOneAfterAnotherWithoutSeparatorsAndCommentsOnOneLine() throws IOException {
        SseBuffer buffer = new SseBuffer();
        for (String text : new String[] {"one", "two"}) {
            JsonGenerator g = buffer.begin();
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
        SseBuffer buffer = new SseBuffer();
        JsonGenerator g = buffer.begin();
        g.writeStartObject();
        g.writeFieldName("half");
        buffer.discard();
        g = buffer.begin();
        g.writeStartObject();
        g.writeEndObject();
        buffer.end();
        assertEquals("data: {}\n\n", new String(written(buffer), "UTF-8"));
        buffer.close();
    }
}
