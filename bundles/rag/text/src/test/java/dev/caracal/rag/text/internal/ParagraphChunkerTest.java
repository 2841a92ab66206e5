package dev.caracal.rag.text.internal;

import static dev.caracal.rag.text.internal.ChunkAssertions.assertValidChunks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.Chunk;
import dev.caracal.rag.ChunkingOptions;
import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import dev.caracal.rag.Section;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ParagraphChunkerTest {
    private final ParagraphChunker chunker = new ParagraphChunker();

    private static ParsedDocument doc(String text) {
        return new ParsedDocument("doc.txt", null, text, List.of(), Map.of());
    }

    private List<Chunk> chunk(ParsedDocument d, ChunkingOptions o) {
        List<Chunk> chunks = chunker.chunk(d, o);
        assertValidChunks(d, chunks, o);
        return chunks;
    }

    private static String own(ParsedDocument d, Chunk c) {
        return d.text().substring(c.start(), c.end());
    }

    @Test
    void strategyIsParagraph() {
        assertEquals("paragraph", chunker.strategy());
    }

    @Test
    void emptyAndBlankDocumentsHaveNoChunks() {
        assertTrue(chunker.chunk(doc(""), ChunkingOptions.PARAGRAPHS).isEmpty());
        assertTrue(chunker.chunk(doc(" \n\n\t \n "), ChunkingOptions.PARAGRAPHS).isEmpty());
    }

    @Test
    void nullOptionsMeanTheDefaults() throws ParseException {
        ParsedDocument essay = Fixtures.ESSAY;
        assertEquals(chunker.chunk(essay, ChunkingOptions.PARAGRAPHS), chunker.chunk(essay, null));
    }

    @Test
    void shortParagraphsAreMergedUpToTheTarget() {
        String text = "Alpha one.\n\nBeta two.\n\n\nGamma three.\n  \nDelta four.";
        ParsedDocument d = doc(text);
        List<Chunk> one = chunk(d, new ChunkingOptions(100, 200, 0));
        assertEquals(1, one.size());
        assertEquals(text, one.get(0).text());

        List<Chunk> pairs = chunk(d, new ChunkingOptions(28, 40, 0));
        assertEquals(
                List.of("Alpha one.\n\nBeta two.", "Gamma three.\n  \nDelta four."),
                pairs.stream().map(Chunk::text).toList());
    }

    @Test
    void paragraphsAreNotCutWhenTheyFitTheMaximum() throws ParseException {
        ParsedDocument essay = Fixtures.ESSAY;
        List<Chunk> chunks = chunk(essay, new ChunkingOptions(300, 1200, 0));
        for (int[] p : ParagraphChunker.paragraphs(essay.text())) {
            boolean inOne = chunks.stream().anyMatch(c -> c.start() <= p[0] && p[1] <= c.end());
            assertTrue(inOne, "paragraph at " + p[0] + " kept whole");
        }
        assertTrue(chunks.stream().anyMatch(c -> c.text().contains("Short paragraphs are fine.\n\nSo are these.")));
    }

    @Test
    void longParagraphsAreCutAtSentencesNotAtAbbreviations() throws ParseException {
        ParsedDocument essay = Fixtures.ESSAY;
        List<Chunk> chunks = chunk(essay, new ChunkingOptions(250, 400, 0));
        assertTrue(chunks.size() >= 6, "cut into several chunks: " + chunks.size());
        for (Chunk c : chunks) {
            String own = own(essay, c);
            assertTrue(own.endsWith(".") || own.endsWith("Services"), () -> "ends at a sentence: " + own);
            for (String abbreviation : List.of("Dr.", "U.S.", "e.g.", "i.e.")) {
                assertFalse(own.endsWith(abbreviation), () -> "cut after an abbreviation: " + own);
            }
        }
        assertTrue(chunks.stream()
                .anyMatch(c -> c.text()
                        .contains("Dr. Smith, who ran operations at a large U.S. "
                                + "bank for a decade, put it bluntly")));
        assertTrue(chunks.stream().anyMatch(c -> c.text().contains("e.g. that retries without jitter")));
    }

    @Test
    void aSentenceLongerThanTheMaximumIsCutAtWhitespace() {
        StringBuilder sb = new StringBuilder("Intro. ");
        for (int i = 0; i < 120; i++) {
            sb.append("word").append(i).append(' ');
        }
        sb.append("end.");
        ParsedDocument d = doc(sb.toString());
        List<Chunk> chunks = chunk(d, new ChunkingOptions(80, 100, 0));
        assertTrue(chunks.size() > 8);
        for (Chunk c : chunks) {
            assertTrue(c.end() == d.text().length() || Chars.isSpace(d.text().charAt(c.end())), "cut at whitespace");
            assertTrue(c.start() == 0 || Chars.isSpace(d.text().charAt(c.start() - 1)), "starts a word");
        }
    }

    @Test
    void aWordLongerThanTheMaximumIsCutHard() {
        String blob = "x".repeat(1050);
        ParsedDocument d = doc("before\n\n" + blob + "\n\nafter");
        List<Chunk> chunks = chunk(d, new ChunkingOptions(100, 200, 0));
        assertEquals(
                5, chunks.stream().filter(c -> c.text().equals("x".repeat(200))).count());
        assertEquals(
                "before" + blob + "after",
                chunks.stream().map(Chunk::text).reduce("", String::concat).replaceAll("\\s", ""));
        // a surrogate pair is never split
        String emoji = "😀".repeat(150);
        ParsedDocument e = doc(emoji);
        for (Chunk c : chunk(e, new ChunkingOptions(99, 99, 0))) {
            assertFalse(Character.isLowSurrogate(c.text().charAt(0)));
            assertFalse(Character.isHighSurrogate(c.text().charAt(c.text().length() - 1)));
        }
    }

    @Test
    void overlapRepeatsTheTailOfThePreviousChunkOnAWordBoundary() throws ParseException {
        ParsedDocument essay = Fixtures.ESSAY;
        ChunkingOptions o = new ChunkingOptions(200, 400, 60);
        List<Chunk> chunks = chunk(essay, o);
        assertTrue(chunks.size() > 5);
        int withOverlap = 0;
        for (int i = 1; i < chunks.size(); i++) {
            Chunk previous = chunks.get(i - 1);
            Chunk c = chunks.get(i);
            String own = own(essay, c);
            String overlap =
                    c.text().substring(0, c.text().length() - own.length()).strip();
            if (overlap.isEmpty()) {
                continue;
            }
            withOverlap++;
            String previousOwn = own(essay, previous);
            assertTrue(previousOwn.endsWith(overlap), () -> "'" + overlap + "' is the tail of '" + previousOwn + "'");
            assertTrue(overlap.length() <= 60);
            assertTrue(overlap.length() >= 30, "a 60-char window loses at most a word: '" + overlap + "'");
            String before = previousOwn.substring(0, previousOwn.length() - overlap.length());
            assertTrue(before.isEmpty() || Chars.isSpace(before.charAt(before.length() - 1)), "whole words only");
        }
        assertEquals(chunks.size() - 1, withOverlap);
        // the same own parts as without overlap, only the budget for them is maxChars - overlapChars
        List<Chunk> plain = chunk(essay, new ChunkingOptions(200, 340, 0));
        assertEquals(
                plain.stream().map(c -> c.start() + ".." + c.end()).toList(),
                chunks.stream().map(c -> c.start() + ".." + c.end()).toList());
    }

    @Test
    void noOverlapWhenNoWholeWordFits() {
        ParsedDocument d = doc("a".repeat(300) + " " + "b".repeat(300));
        List<Chunk> chunks = chunk(d, new ChunkingOptions(300, 310, 10));
        assertTrue(chunks.size() >= 2);
        for (Chunk c : chunks) {
            assertEquals(own(d, c), c.text());
        }
    }

    @Test
    void chunksCarrySourceTitleAndNearestHeading() throws ParseException {
        ParsedDocument readme = Fixtures.README;
        List<Chunk> chunks = chunk(readme, new ChunkingOptions(200, 400, 0));
        for (Chunk c : chunks) {
            assertEquals("/readme.md", c.metadata().get("source"));
            assertEquals("Caracal Vector Store", c.metadata().get("title"));
            String expected = null;
            for (Section s : readme.sections()) {
                if (s.start() <= c.start()) {
                    expected = s.heading();
                }
            }
            assertEquals(expected, c.metadata().get("heading"));
        }
        Chunk install = chunks.stream()
                .filter(c -> c.text().contains("feature:install"))
                .findFirst()
                .orElseThrow();
        assertEquals("Installation", install.metadata().get("heading"));
        Chunk usage = chunks.stream()
                .filter(c -> c.text().contains("support@example.org"))
                .findFirst()
                .orElseThrow();
        assertEquals("Usage Notes", usage.metadata().get("heading"));

        List<Chunk> untitled = chunk(doc("no title here"), ChunkingOptions.PARAGRAPHS);
        assertNull(untitled.get(0).metadata().get("title"));
        assertNull(untitled.get(0).metadata().get("heading"));
    }

    @Test
    void aHeadingStartsANewChunkUnlessTheChunkIsStillSmall() throws ParseException {
        String md = "# Alpha\n\n" + "Alpha text sentence. ".repeat(15).trim() + "\n\n# Beta\n\nBeta text.\n\n"
                + "## Beta one\n\nMore beta.";
        ParsedDocument d = Fixtures.parse(md, "text/markdown");
        List<Chunk> chunks = chunk(d, ChunkingOptions.PARAGRAPHS);
        assertEquals(2, chunks.size());
        assertTrue(chunks.get(0).text().startsWith("Alpha\n\nAlpha text"));
        assertEquals("Alpha", chunks.get(0).metadata().get("heading"));
        // "Beta" with its short text is small, so the subsection joins it
        assertEquals(
                "Beta\n\nBeta text.\n\nBeta one\n\nMore beta.", chunks.get(1).text());
        assertEquals("Beta", chunks.get(1).metadata().get("heading"));
    }

    @Test
    void aLoneHeadingIsNotLeftAsItsOwnChunk() throws ParseException {
        String md = "Intro paragraph that is long enough to stand alone. ".repeat(3) + "\n\n## Details\n\n"
                + "Details sentence number one is here. ".repeat(5).trim();
        ParsedDocument d = Fixtures.parse(md, "text/markdown");
        List<Chunk> chunks = chunk(d, new ChunkingOptions(150, 300, 0));
        assertEquals(2, chunks.size());
        assertTrue(chunks.get(1).text().startsWith("Details\n\nDetails sentence"));
        assertEquals("Details", chunks.get(1).metadata().get("heading"));
    }

    @Test
    void parsedFixturesAndCacmDocumentsChunkValidly() throws ParseException {
        List<ParsedDocument> docs = List.of(
                Fixtures.README,
                Fixtures.ARTICLE,
                Fixtures.parseResource("/essay.txt", "text/plain"),
                Fixtures.parseResource("/cacm/CACM-1410.txt", "text/plain"),
                Fixtures.parseResource("/cacm/CACM-1323.txt", "text/plain"),
                Fixtures.parseResource("/cacm/CACM-1781.txt", "text/plain"),
                Fixtures.parseResource("/cacm/CACM-1410.html", "text/html"));
        List<ChunkingOptions> options = List.of(
                ChunkingOptions.PARAGRAPHS,
                new ChunkingOptions(300, 600, 50),
                new ChunkingOptions(120, 160, 40),
                new ChunkingOptions(40, 40, 0),
                new ChunkingOptions(10, 25, 9));
        for (ParsedDocument d : docs) {
            for (ChunkingOptions o : options) {
                chunk(d, o);
            }
        }
        ParsedDocument cacm = docs.get(4);
        List<Chunk> chunks = chunk(cacm, new ChunkingOptions(200, 400, 0));
        assertTrue(chunks.stream().anyMatch(c -> c.text().contains("i.e. an \"abstract compiler\" into the")));
    }

    /** Many random layouts: paragraph sizes, blank-line styles, long sentences and words, headings, options. */
    @Test
    void randomLayoutsNeverLoseTextAndStayWithinBounds() {
        Random random = new Random(20240611L);
        for (int round = 0; round < 400; round++) {
            List<Section> sections = new ArrayList<>();
            String text = randomDocument(random, sections);
            ParsedDocument d = new ParsedDocument(
                    "random-" + round, round % 3 == 0 ? null : "Doc " + round, text, sections, Map.of());
            int target = 5 + random.nextInt(round % 2 == 0 ? 60 : 900);
            int max = target + random.nextInt(target * 2 + 1);
            int overlap = random.nextBoolean() ? 0 : random.nextInt(target);
            ChunkingOptions o = new ChunkingOptions(target, max, overlap);
            List<Chunk> chunks = chunk(d, o);
            if (!Chars.isBlank(text)) {
                assertFalse(chunks.isEmpty());
            }
            for (Chunk c : chunks) {
                Object heading = c.metadata().get("heading");
                String expected = null;
                for (Section s : sections) {
                    if (s.start() <= c.start()) {
                        expected = s.heading();
                    }
                }
                assertEquals(expected, heading);
            }
        }
    }

    private static final String[] WORDS = {
        "the",
        "index",
        "vector",
        "graph",
        "search",
        "Caracal",
        "store",
        "query",
        "e.g.",
        "Dr.",
        "U.S.",
        "i.e.",
        "3.14",
        "(see",
        "note)",
        "\"quoted\"",
        "naïve",
        "東京",
        "😀",
        "a",
        "I"
    };

    private static String randomDocument(Random random, List<Section> sections) {
        StringBuilder sb = new StringBuilder();
        String[] leading = {"", " ", "\n", "\n\n  ", "\t"};
        sb.append(leading[random.nextInt(leading.length)]);
        int paragraphs = random.nextInt(25);
        String[] separators = {"\n\n", "\n\n\n", "\n \n", "\n\t\n\n", "  \n\n  ", "\n\u00A0\n"};
        for (int p = 0; p < paragraphs; p++) {
            if (p > 0) {
                sb.append(separators[random.nextInt(separators.length)]);
            }
            if (random.nextInt(6) == 0) {
                String heading = "Heading " + p;
                sections.add(new Section(heading, 1 + random.nextInt(3), sb.length(), -1));
                sb.append(heading);
                continue;
            }
            int sentences = 1 + random.nextInt(random.nextInt(10) == 0 ? 40 : 6);
            for (int s = 0; s < sentences; s++) {
                if (s > 0) {
                    sb.append(random.nextInt(8) == 0 ? "\n" : random.nextInt(5) == 0 ? "  " : " ");
                }
                int words = 1 + random.nextInt(random.nextInt(15) == 0 ? 200 : 20);
                for (int w = 0; w < words; w++) {
                    if (w > 0) {
                        sb.append(' ');
                    }
                    if (random.nextInt(300) == 0) {
                        sb.append("z".repeat(50 + random.nextInt(900)));
                    } else {
                        sb.append(WORDS[random.nextInt(WORDS.length)]);
                    }
                }
                sb.append(".!?".charAt(random.nextInt(3)));
            }
        }
        sb.append(leading[random.nextInt(leading.length)]);
        // close sections as a parser would: each ends where the next starts
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            int end = i + 1 < sections.size() ? sections.get(i + 1).start() : sb.length();
            sections.set(i, new Section(s.heading(), s.level(), s.start(), end));
        }
        return sb.toString();
    }
}
