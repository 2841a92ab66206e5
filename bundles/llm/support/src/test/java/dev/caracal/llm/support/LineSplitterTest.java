package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines of a body that arrives in chunks cut anywhere, as the Jetty transport's streams read them. */
class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();

    /** Feeds {@code body} cut into chunks of {@code size} bytes, then ends it. */
    private List<String> split(String body, int size) {
        lines.clear();
        LineSplitter splitter = new LineSplitter(lines::add, 1 << 20);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += size) {
            splitter.feed(ByteBuffer.wrap(bytes, i, Math.min(size, bytes.length - i)));
        }
        splitter.finish();
        return List.copyOf(lines);
    }

    @Test
    void everyTerminatorAndEveryCutGiveTheSameLines() {
        String body = "data: {\"t\":\"héllo 🐈\"}\r\n\r\nevent: x\ndata: y\n\nid: 3\r\rlast";
        List<String> expected =
                List.of("data: {\"t\":\"héllo 🐈\"}", "", "event: x", "data: y", "", "id: 3", "", "last");
        for (int size = 1; size <= body.length() + 1; size++) {
            assertEquals(expected, split(body, size), "chunks of " + size + " bytes");
        }
    }

    @Test
    void aCrlfCutBetweenItsTwoBytesIsOneTerminator() {
        assertEquals(List.of("a", "b"), split("a\r\nb\r\n", 2)); // "a\r" | "\nb" | "\r\n"
        assertEquals(List.of("a", "", "b"), split("a\r\rb", 1));
    }

    @Test
    void anEmptyBodyHasNoLinesAndATerminatedOneNoExtraLine() {
        assertEquals(List.of(), split("", 4));
        assertEquals(List.of("x"), split("x\n", 4));
    }

    @Test
    void aLineLongerThanTheLimitFailsTheStream() {
        LineSplitter splitter = new LineSplitter(lines::add, 1000);
        splitter.feed(ByteBuffer.wrap(("ok\n" + "z".repeat(1000) + "\n").getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("ok", "z".repeat(1000)), lines, "a line of exactly the limit is fine");
        LlmException e = assertThrows(LlmException.class, () -> splitter.feed(ByteBuffer.wrap(new byte[1001])));
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        assertTrue(e.getMessage().contains("1000 bytes"), e.getMessage());
    }
}
