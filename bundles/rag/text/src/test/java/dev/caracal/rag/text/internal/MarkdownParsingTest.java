package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import dev.caracal.rag.Section;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownParsingTest {
    private static final ParsedDocument readme = Fixtures.README;

    @Test
    void frontMatterBecomesMetadataAndTitle() {
        Map<String, Object> m = readme.metadata();
        assertEquals("Caracal Vector Store", m.get("title"));
        assertEquals("Ada Lovelace", m.get("author"));
        assertEquals("vectors, search", m.get("tags"));
        assertEquals("A durable store for vectors with pluggable indexes.", m.get("description"));
        assertEquals("Caracal Vector Store", readme.title());
        assertFalse(readme.text().contains("author:"));
        assertFalse(readme.text().startsWith("---"));
    }

    @Test
    void titleIsTheFirstHeadingWithoutFrontMatter() throws ParseException {
        ParsedDocument d = Fixtures.parse("Intro line.\n\n## Getting *started*\n\ntext\n\n# Later\n", "text/markdown");
        assertEquals("Getting started", d.title());
        assertNull(Fixtures.parse("just text", "text/markdown").title());
    }

    @Test
    void headingsBecomeSectionsWithLevelsAndExactOffsets() {
        List<Section> sections = readme.sections();
        assertEquals(
                List.of("Caracal Vector Store", "Features", "Installation", "Configuration", "Usage Notes"),
                sections.stream().map(Section::heading).toList());
        assertEquals(
                List.of(1, 2, 2, 3, 1), sections.stream().map(Section::level).toList());
        String text = readme.text();
        for (Section s : sections) {
            assertEquals(
                    s.heading(),
                    text.substring(s.start(), s.start() + s.heading().length()));
            assertTrue(s.end() > s.start() && s.end() <= text.length(), s.toString());
        }
        // a section ends where the next heading of the same or a higher level starts
        assertEquals(sections.get(4).start(), sections.get(0).end());
        assertEquals(sections.get(2).start(), sections.get(1).end());
        assertEquals(sections.get(4).start(), sections.get(3).end());
        assertEquals(text.length(), sections.get(4).end());
        assertTrue(
                text.substring(sections.get(3).start(), sections.get(3).end()).contains("dimensions | 384"));
    }

    @Test
    void inlineMarkupIsRemoved() {
        String text = readme.text();
        Fixtures.assertContainsAll(
                text,
                "Caracal stores vectors, metadata and text in one durable place.",
                "It is written in Java 17 and runs on Apache Karaf.",
                "Read the user guide for details",
                "Build License: Apache 2.0",
                "Architecture diagram",
                "Note: indexes are derived data.\nThey are rebuilt",
                "support@example.org or visit https://caracal.dev.");
        for (String markup : List.of(
                "**",
                "](",
                "![",
                "<img",
                "<p",
                "</p>",
                "```",
                "[guide]",
                "https://ci.example",
                "> ",
                "- [x]",
                "|---")) {
            assertFalse(text.contains(markup), () -> "markup '" + markup + "' left in:\n" + text);
        }
        assertFalse(text.contains("comment"), "HTML comments are dropped");
    }

    @Test
    void listMarkersAreRemovedAndItemsKeepTheirLines() {
        String text = readme.text();
        assertTrue(
                text.contains("Exact and approximate search (HNSW, IVF, LSH)\nFiltered search with metadata "
                        + "predicates\nHybrid search: vector + BM25\nrank fusion\nre-ranking\nSnapshots\nReplication"),
                text);
    }

    @Test
    void codeIsKeptAsWritten() throws ParseException {
        String text = readme.text();
        assertTrue(
                text.contains("feature:repo-add mvn:dev.caracal/caracal-features/0.1.0/xml\n"
                        + "feature:install caracal-vector   # *not* emphasis"),
                text);
        assertTrue(text.contains("indented code block\nkeeps *its* stars"), text);
        ParsedDocument d = Fixtures.parse("Use `a_b_c` and `x * y` and ``code with ` tick``.", "text/markdown");
        assertEquals("Use a_b_c and x * y and code with ` tick.", d.text());
    }

    @Test
    void entitiesEscapesAndLiteralCharactersSurvive() {
        assertTrue(
                readme.text()
                        .contains(
                                "Prices are in € & the snake_case_name stays as written. Use 2 * 3 * 4 for math, and escape *stars*."),
                readme.text());
    }

    @Test
    void tablesBecomeRowsOfCells() {
        assertTrue(
                readme.text()
                        .contains("Key | Default | Meaning\ndimensions | 384 | Vector size\n"
                                + "metric | cosine | Distance"),
                readme.text());
    }

    @Test
    void paragraphBoundariesArePreserved() throws ParseException {
        String md = "First paragraph line one\nline two.\n\nSecond *paragraph*.\n\n\n\n> quoted\n>\n> second quoted\n\n"
                + "- a\n- b\n\nLast.";
        ParsedDocument d = Fixtures.parse(md, "text/markdown");
        assertEquals(
                "First paragraph line one\nline two.\n\nSecond paragraph.\n\nquoted\n\nsecond quoted\n\n"
                        + "a\nb\n\nLast.",
                d.text());
    }

    @Test
    void setextAndAtxVariants() throws ParseException {
        String md =
                "Title\n=====\n\nSub *title*\n---\n\n### Closed ###\n\n#### With id {#anchor}\n\n#nohashtag heading\n\n"
                        + "text\n\n---\n\nafter rule";
        ParsedDocument d = Fixtures.parse(md, "text/markdown");
        assertEquals(
                List.of("Title", "Sub title", "Closed", "With id"),
                d.sections().stream().map(Section::heading).toList());
        assertEquals(
                List.of(1, 2, 3, 4), d.sections().stream().map(Section::level).toList());
        assertEquals("Title\n\nSub title\n\nClosed\n\nWith id\n\n#nohashtag heading\n\ntext\n\nafter rule", d.text());
    }

    @Test
    void linksImagesAndReferences() throws ParseException {
        String md = "See [the docs](https://x.org/a_(b) \"T\"), ![a cat](cat.png), [ref link][r], [r] and "
                + "[![badge](b.svg)](https://ci) and a footnote[^1].\n\n[r]: https://r.example\n[^1]: The footnote text.";
        ParsedDocument d = Fixtures.parse(md, "text/markdown");
        assertEquals("See the docs, a cat, ref link, r and badge and a footnote.\n\nThe footnote text.", d.text());
    }

    @Test
    void unclosedFenceRunsToTheEnd() throws ParseException {
        ParsedDocument d = Fixtures.parse("Intro\n\n~~~python\nprint('*hi*')\n\n\n# not a heading", "text/markdown");
        assertEquals("Intro\n\nprint('*hi*')\n\n# not a heading", d.text());
        assertTrue(d.sections().isEmpty());
    }

    @Test
    void htmlInMarkdownIsStripped() throws ParseException {
        ParsedDocument d = Fixtures.parse(
                "<div align=\"center\">\n<b>Bold</b> text<br/>more &lt;raw&gt;\n</div>\n\n" + "a < b and c > d",
                "text/markdown");
        assertEquals("Bold text more <raw>\n\na < b and c > d", d.text());
    }

    @Test
    void documentThatIsOnlyFrontMatter() throws ParseException {
        ParsedDocument d = Fixtures.parse("---\ntitle: Only meta\n---\n", "text/markdown");
        assertEquals("", d.text());
        assertEquals("Only meta", d.title());
        // a leading rule that is not front matter stays a rule
        assertEquals(
                "Text\n\nmore",
                Fixtures.parse("---\nText\n\nmore", "text/markdown").text());
    }
}
