package dev.caracal.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventStreamWriterTest {

    @Test
    void sseFramesEventsAndSplitsMultiLineData() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventStreamWriter w = EventStreamWriter.sse(out);
        w.event("message_start", "{\"a\":1}");
        w.event(null, "line one\r\nline two");
        w.comment("keep-alive");
        w.event(null, "[DONE]");
        assertEquals(
                "event: message_start\ndata: {\"a\":1}\n\n"
                        + "data: line one\ndata: line two\n\n"
                        + ": keep-alive\n\n"
                        + "data: [DONE]\n\n",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void ndjsonWritesOneRecordPerLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventStreamWriter w = EventStreamWriter.ndjson(out);
        w.event("ignored", "{\"n\":1}");
        w.comment("not written");
        w.event(null, "{\"n\":2}");
        assertEquals("{\"n\":1}\n{\"n\":2}\n", out.toString(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> w.event(null, "{\n}"));
    }
}
