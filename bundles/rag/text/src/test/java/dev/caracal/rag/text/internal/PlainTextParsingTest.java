package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlainTextParsingTest {

    @Test
    void textIsKeptAsIsWithTheFirstLineAsTitle() throws ParseException {
        ParsedDocument d = Fixtures.ESSAY;
        String expected = new String(Fixtures.bytes("/essay.txt"), StandardCharsets.UTF_8);
        assertEquals(expected, d.text());
        assertEquals("On the Reliability of Long-Running Services", d.title());
        assertEquals("/essay.txt", d.source());
        assertTrue(d.sections().isEmpty());
        assertTrue(d.metadata().isEmpty());
    }

    @Test
    void aLongFirstLineIsNoTitle() throws ParseException {
        String line = "word ".repeat(30).trim();
        assertNull(Fixtures.parse(line + "\n\nmore", "text/plain").title());
        assertEquals(
                "Short", Fixtures.parse("\n\n   Short  \nrest", "text/plain").title());
    }

    @Test
    void windowsLineEndingsAndLatin1AreHandled() throws ParseException {
        byte[] bytes = "Résumé\r\n\r\nSecond paragraph, naïve.\r\n".getBytes(StandardCharsets.ISO_8859_1);
        ParsedDocument d = Fixtures.parse(bytes, "text/plain");
        assertEquals("Résumé\n\nSecond paragraph, naïve.\n", d.text());
        assertEquals("Résumé", d.title());
    }

    @Test
    void cacmDocumentsParseAsPlainText() throws ParseException {
        ParsedDocument d = Fixtures.parseResource("/cacm/CACM-1410.txt", "text/plain");
        assertEquals("Interarrival Statistics for Time Sharing Systems", d.title());
        assertTrue(d.text().contains("Time-Sharing System (TSS)."));
        assertTrue(d.text().contains("Coffman, E. G."));

        ParsedDocument lambda = Fixtures.parseResource("/cacm/CACM-1323.txt", "text/plain");
        assertEquals("A Correspondence Between ALGOL 60 and Church's Lambda-Notation: Part I*", lambda.title());
        assertTrue(lambda.text().contains("i.e. an \"abstract compiler\""));
    }
}
