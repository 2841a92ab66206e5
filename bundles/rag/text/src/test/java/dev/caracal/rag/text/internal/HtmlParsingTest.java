package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import dev.caracal.rag.Section;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlParsingTest {
    private static final ParsedDocument article = Fixtures.ARTICLE;

    @Test
    void scriptsStylesNavigationAndTemplatesAreDropped() {
        String text = article.text();
        for (String hidden : List.of(
                "TRACKING",
                "INJECTED",
                "font-family",
                "About us",
                "Blog |",
                "enable JavaScript",
                "TEMPLATE CONTENT",
                "analytics")) {
            assertFalse(text.contains(hidden), () -> "'" + hidden + "' in:\n" + text);
        }
    }

    @Test
    void titleAndMetaBecomeTitleAndMetadata() {
        assertEquals("Understanding Vector Search", article.title());
        assertEquals(
                Map.of(
                        "description",
                        "How approximate nearest neighbour search works.",
                        "author",
                        "Grace Hopper",
                        "keywords",
                        "vectors, ANN, HNSW"),
                article.metadata());
    }

    @Test
    void titleFallsBackToTheFirstH1() throws ParseException {
        ParsedDocument d = Fixtures.parse("<body><h2>Intro</h2><h1>Main <i>topic</i></h1><p>x</p></body>", "text/html");
        assertEquals("Main topic", d.title());
    }

    @Test
    void headingsBecomeSectionsWithExactOffsets() {
        List<Section> sections = article.sections();
        assertEquals(
                List.of("Understanding Vector Search", "Exact search", "Approximate search", "HNSW"),
                sections.stream().map(Section::heading).toList());
        assertEquals(List.of(1, 2, 2, 3), sections.stream().map(Section::level).toList());
        for (Section s : sections) {
            assertEquals(
                    s.heading(),
                    article.text().substring(s.start(), s.start() + s.heading().length()));
        }
        assertEquals(article.text().length(), sections.get(0).end());
        assertEquals(sections.get(2).start(), sections.get(1).end());
    }

    @Test
    void blockElementsAreSeparatedByBlankLines() {
        String text = article.text();
        assertTrue(
                text.contains("\n\nUnderstanding Vector Search\n\nBy Grace Hopper — March 2024\n\n"
                        + "Vector search finds the items whose embeddings are closest to a query. It powers semantic search, "
                        + "recommendations & retrieval-augmented generation.\n\nExact search\n\n"),
                text);
        assertTrue(
                text.contains("Recall is the fraction of true neighbours found.\n\nLatency is the time per query."),
                text);
        Fixtures.assertContainsAll(
                text,
                "Parameter M: neighbours per node\n\nParameter efSearch: candidate list size",
                "Index | Recall\n\nFlat | 1.00\n\nHNSW | 0.98");
        assertFalse(text.contains("\n\n\n"));
        String outsidePre = text.replace("\n    index.add(v)", "\nindex.add(v)");
        assertFalse(
                outsidePre.startsWith("\n")
                        || outsidePre.endsWith("\n")
                        || outsidePre.contains(" \n")
                        || outsidePre.contains("\n ")
                        || outsidePre.contains("  "),
                "no stray whitespace outside pre");
    }

    @Test
    void preformattedTextKeepsItsLines() {
        assertTrue(
                article.text().contains("index = Hnsw(m=16, ef=200)\nfor v in vectors:\n    index.add(v)"),
                article.text());
    }

    @Test
    void entitiesAreDecoded() {
        String text = article.text();
        Fixtures.assertContainsAll(text, "it’s the baseline", "top layer <sparse> and descends", "Café au lait");
        assertTrue(text.contains("Grace Hopper — March 2024"), "&nbsp; is a plain space, &mdash; a dash");
    }

    @Test
    void declaredCharsetIsHonouredWhenBytesAreNotUtf8() throws ParseException {
        String html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"
                + "<title>Fa\u00e7ade</title></head><body><p>\u201cSmart quotes\u201d cost \u20ac5.</p></body></html>";
        ParsedDocument d = Fixtures.parse(html.getBytes(Charset.forName("windows-1252")), "text/html");
        assertEquals("Façade", d.title());
        assertEquals("\u201cSmart quotes\u201d cost \u20ac5.", d.text());
    }

    @Test
    void undeclaredNonUtf8FallsBackToIso88591() throws ParseException {
        byte[] bytes = "<p>Gr\u00fc\u00dfe aus K\u00f6ln</p>".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(
                "Gr\u00fc\u00dfe aus K\u00f6ln",
                Fixtures.parse(bytes, "text/html").text());
    }

    @Test
    void cacmDocumentIsAPreBlock() throws ParseException {
        ParsedDocument d = Fixtures.parseResource("/cacm/CACM-1410.html", "text/html");
        String plain =
                Fixtures.parseResource("/cacm/CACM-1410.txt", "text/plain").text();
        assertEquals("Interarrival Statistics for Time Sharing Systems", d.title());
        assertTrue(d.text().startsWith("Interarrival Statistics for Time Sharing Systems\n\nThe optimization of"));
        assertTrue(d.text().contains("CACM July, 1966\n\nCoffman, E. G.\nWood, R. C."), d.text());
        // same words as the plain text version
        assertEquals(List.of(plain.trim().split("\\s+")), List.of(d.text().split("\\s+")));
    }

    @Test
    void fragmentsAndBrokenMarkupStillParse() throws ParseException {
        ParsedDocument d = Fixtures.parse("Loose text <b>bold<p>para & more<div>unclosed", "text/html");
        assertEquals("Loose text bold\n\npara & more\n\nunclosed", d.text());
    }
}
