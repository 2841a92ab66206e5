package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.ChunkingOptions;
import dev.caracal.rag.DocumentParser;
import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TextDocumentParserTest {
    private final TextDocumentParser parser = new TextDocumentParser();

    @Test
    void advertisesTheThreeTextTypes() {
        assertEquals(Set.of("text/plain", "text/markdown", "text/html"), parser.mediaTypes());
        assertEquals("caracal.parser.types", DocumentParser.TYPES_PROPERTY);
    }

    @Test
    void unknownMediaTypeIsAParseExceptionNamingIt() {
        ParseException e = assertThrows(
                ParseException.class,
                () -> parser.parse(new ByteArrayInputStream(new byte[] {1, 2}), "application/pdf", "paper.pdf"));
        assertTrue(e.getMessage().contains("application/pdf"), e.getMessage());
        assertTrue(e.getMessage().contains("paper.pdf"), e.getMessage());
        assertThrows(ParseException.class, () -> parser.parse(new ByteArrayInputStream(new byte[0]), null, "x"));
    }

    @Test
    void emptyInputIsAnEmptyDocument() throws ParseException {
        for (String type : parser.mediaTypes()) {
            ParsedDocument d = parser.parse(new ByteArrayInputStream(new byte[0]), type, "empty." + type);
            assertEquals("", d.text(), type);
            assertNull(d.title(), type);
            assertTrue(d.sections().isEmpty(), type);
            assertEquals("empty." + type, d.source());
        }
    }

    @Test
    void whitespaceOnlyHtmlAndMarkdownGiveEmptyText() throws ParseException {
        assertEquals("", Fixtures.parse("  \n\n \t\n", "text/markdown").text());
        assertEquals(
                "",
                Fixtures.parse("<html><head><title></title></head><body> </body></html>", "text/html")
                        .text());
    }

    @Test
    void mediaTypeParametersCaseAndAliasesAreAccepted() throws ParseException {
        byte[] latin1 = "<p>Déjà vu</p>".getBytes(StandardCharsets.ISO_8859_1);
        ParsedDocument d = Fixtures.parse(latin1, "Text/HTML; charset=ISO-8859-1");
        assertEquals("Déjà vu", d.text());
        assertEquals("Hello", Fixtures.parse("# Hello", "text/x-markdown").title());
    }

    @Test
    void theStreamIsReadButNotClosed() throws ParseException {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };
        assertEquals("hello", parser.parse(in, "text/plain", "s").text());
        assertFalse(closed[0]);
    }

    @Test
    void readErrorsBecomeParseExceptions() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };
        ParseException e = assertThrows(ParseException.class, () -> parser.parse(broken, "text/plain", "f.txt"));
        assertTrue(e.getMessage().contains("f.txt"));
        assertTrue(e.getCause() instanceof IOException);
    }

    /** Long runs of markup characters and random markup soup must neither fail nor lose the chunker's guarantees. */
    @Test
    void pathologicalInputParsesAndChunks() throws ParseException {
        Random random = new Random(7);
        String alphabet = "*_`[]()!<>#-=|~\\&;:{}\"' \n\nab.";
        StringBuilder soup = new StringBuilder();
        for (int i = 0; i < 60_000; i++) {
            soup.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        List<String> inputs = List.of(
                "*".repeat(100_000),
                "-".repeat(50_000),
                "|-".repeat(30_000) + "|",
                "[a](" + "(x)".repeat(20_000),
                "a.".repeat(30_000) + " B",
                "_a ".repeat(10_000),
                "<div ".repeat(10_000),
                "&amp;".repeat(10_000),
                "> ".repeat(20_000) + "x",
                soup.toString());
        ChunkingOptions o = new ChunkingOptions(500, 1000, 100);
        for (String input : inputs) {
            for (String type : parser.mediaTypes()) {
                ParsedDocument d = Fixtures.parse(input, type);
                ChunkAssertions.assertValidChunks(d, new ParagraphChunker().chunk(d, o), o);
            }
        }
    }

    @Test
    void fileNamesMapToMediaTypesByExtension() {
        assertEquals(Optional.of("text/plain"), MediaTypes.forFileName("notes.txt"));
        assertEquals(Optional.of("text/plain"), MediaTypes.forFileName("/data/READ.ME.TEXT"));
        assertEquals(Optional.of("text/markdown"), MediaTypes.forFileName("docs/README.md"));
        assertEquals(Optional.of("text/markdown"), MediaTypes.forFileName("C:\\docs\\guide.Markdown"));
        assertEquals(Optional.of("text/html"), MediaTypes.forFileName("cacm/CACM-1410.html"));
        assertEquals(Optional.of("text/html"), MediaTypes.forFileName("index.HTM"));
        assertEquals(Optional.empty(), MediaTypes.forFileName("paper.pdf"));
        assertEquals(Optional.empty(), MediaTypes.forFileName("Makefile"));
        assertEquals(Optional.empty(), MediaTypes.forFileName("dir.md/file"));
        assertEquals(Optional.empty(), MediaTypes.forFileName("trailing."));
        assertEquals(Optional.empty(), MediaTypes.forFileName(null));
    }
}
