package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.caracal.rag.Chunk;
import dev.caracal.rag.ChunkingOptions;
import dev.caracal.rag.ParsedDocument;
import java.util.List;

/** The guarantees every chunking must keep. */
final class ChunkAssertions {
    private ChunkAssertions() {}

    static void assertValidChunks(ParsedDocument doc, List<Chunk> chunks, ChunkingOptions o) {
        String text = doc.text();
        String where = " (options " + o + ", source " + doc.source() + ")";
        int previousStart = -1;
        int previousEnd = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            String at = "chunk " + i + where;
            assertEquals(i, c.index(), at);
            assertFalse(c.text().isEmpty(), at);
            assertEquals(Chars.trim(c.text()), c.text(), "trimmed " + at);
            assertTrue(
                    c.start() >= previousEnd && c.start() < c.end() && c.end() <= text.length(),
                    "offsets " + c.start() + ".." + c.end() + " after " + previousEnd + " " + at);
            String own = text.substring(c.start(), c.end());
            assertEquals(Chars.trim(own), own, "own part trimmed " + at);
            assertTrue(c.text().endsWith(own), "text ends with own part " + at);
            assertTrue(own.length() <= o.maxChars() - o.overlapChars(), "own part within max " + at);
            assertTrue(c.text().length() <= o.maxChars(), "text within max " + at);
            // the whole text is a piece of the document: overlap taken from the previous chunk's own part
            int from = c.end() - c.text().length();
            assertEquals(c.text(), text.substring(from, c.end()), "contiguous " + at);
            if (from < c.start()) {
                assertTrue(i > 0 && from >= previousStart, "overlap only from the previous chunk " + at);
                assertTrue(c.start() - from <= o.overlapChars(), "overlap within overlapChars " + at);
                assertTrue(
                        from == previousStart || Chars.isSpace(text.charAt(from - 1)),
                        "overlap starts on a word " + at);
            }
            if (o.overlapChars() == 0) {
                assertEquals(own, c.text(), at);
            }
            assertEquals(doc.source(), c.metadata().get("source"), at);
            if (doc.title() != null) {
                assertEquals(doc.title(), c.metadata().get("title"), at);
            }
            previousStart = c.start();
            previousEnd = c.end();
        }
        // nothing lost: every non-whitespace character lies in some chunk's own part
        int k = 0;
        for (int p = 0; p < text.length(); p++) {
            if (Chars.isSpace(text.charAt(p))) {
                continue;
            }
            while (k < chunks.size() && chunks.get(k).end() <= p) {
                k++;
            }
            if (k == chunks.size() || chunks.get(k).start() > p) {
                fail("character " + p + " '" + text.charAt(p) + "' is in no chunk" + where);
            }
        }
    }
}
