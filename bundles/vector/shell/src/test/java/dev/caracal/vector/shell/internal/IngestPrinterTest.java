package dev.caracal.vector.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.DocumentResult.Outcome;
import dev.caracal.rag.ingest.IngestProgress;
import dev.caracal.rag.ingest.IngestResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestPrinterTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    IngestPrinter printer(IngestPrinter.Mode mode, boolean redraw) {
        return printer(mode, redraw, 120);
    }

    IngestPrinter printer(IngestPrinter.Mode mode, boolean redraw, int width) {
        return new IngestPrinter(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                mode,
                redraw,
                width,
                0);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static DocumentResult ingested(String name, int chunks) {
        return new DocumentResult(name, "text/plain", Outcome.INGESTED, chunks, 0, 0, null);
    }

    static DocumentResult skipped(String name) {
        return new DocumentResult(name, null, Outcome.UNSUPPORTED, 0, 0, 0, "unknown document type");
    }

    /** Feeds the documents to the printer as the engine would, one second per document; returns the result. */
    static IngestResult run(IngestPrinter printer, List<DocumentResult> documents) {
        printer.started(documents.size());
        int chunks = 0;
        for (int i = 0; i < documents.size(); i++) {
            chunks += documents.get(i).chunks();
            printer.documentDone(
                    documents.get(i), new IngestProgress(i + 1, documents.size(), chunks, (i + 1) * 1_000_000_000L));
        }
        printer.close();
        return new IngestResult("docs", false, documents, documents.size() * 1_000_000_000L);
    }

    @Test
    void verbosePrintsOneLinePerFileWithCountsInTheRightNumber() {
        IngestPrinter p = printer(IngestPrinter.Mode.VERBOSE, true);
        IngestResult r = run(p, List.of(ingested("a.md", 1), skipped("b.bin"), ingested("c.txt", 3)));
        p.summary(r, "m");
        assertEquals(
                List.of(
                        "[1/3] a.md: 1 chunk (total 1, 1 chunks/s)",
                        "[2/3] b.bin: skipped (unknown document type)",
                        "[3/3] c.txt: 3 chunks (total 4, 1 chunks/s)",
                        "Ingested 2 files into 'docs': 4 chunks in 3.0 s (1 chunks/s); 1 skipped, 0 failed"),
                out().lines().toList());
        assertEquals("", err(), "verbose listed the skipped file already");
    }

    @Test
    void byDefaultOneLineIsRedrawnInPlaceAndClearedBeforeTheSummary() {
        IngestPrinter p = printer(IngestPrinter.Mode.PROGRESS, true);
        IngestResult r = run(p, List.of(ingested("a.md", 1)));
        p.summary(r, "m");
        String text = out();
        assertTrue(text.startsWith("\rIngesting: 0/1 file, 0 chunks (0 chunks/s)\u001b[K"), text);
        assertTrue(text.contains("\rIngesting: 1/1 file, 1 chunk (1 chunks/s)\u001b[K"), text);
        assertTrue(text.contains("\r\u001b[KIngested 1 file into 'docs': 1 chunk in 1.0 s"), text);
        assertEquals(2, text.split("\n", -1).length, "one summary line and nothing else on a line of its own");
        assertFalse(text.contains("a.md"));
    }

    @Test
    void aRedrawnLineIsCutToTheTerminalWidth() {
        IngestPrinter p = printer(IngestPrinter.Mode.PROGRESS, true, 40);
        List<DocumentResult> many = new ArrayList<>();
        for (int i = 0; i < 12345; i++) {
            many.add(ingested("f" + i, 100));
        }
        run(p, many);
        for (String drawn : out().split("\r")) {
            assertTrue(drawn.replace("\u001b[K", "").length() <= 39, drawn);
        }
    }

    @Test
    void withoutAnsiALongRunPrintsATenthAtATimeAndAShortOneOnlyTheSummary() {
        IngestPrinter p = printer(IngestPrinter.Mode.PROGRESS, false);
        List<DocumentResult> docs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            docs.add(ingested("f" + i, 1));
        }
        run(p, docs);
        List<String> lines = out().lines().toList();
        assertEquals(10, lines.size(), lines.toString());
        assertEquals("Ingesting: 3/25 files, 3 chunks (1 chunks/s)", lines.get(0));
        assertEquals("Ingesting: 25/25 files, 25 chunks (1 chunks/s)", lines.get(9));
        assertFalse(out().contains("\r"));

        out.reset();
        IngestPrinter shortRun = printer(IngestPrinter.Mode.PROGRESS, false);
        run(shortRun, List.of(ingested("a", 1), ingested("b", 1)));
        assertEquals("", out());
    }

    @Test
    void theSummaryListsSkippedAndFailedFilesUpToTenAndSaysHowToSeeTheRest() {
        IngestPrinter p = printer(IngestPrinter.Mode.PROGRESS, false);
        List<DocumentResult> docs = new ArrayList<>();
        docs.add(new DocumentResult("bad.txt", "text/plain", Outcome.FAILED, 0, 0, 0, "Could not parse"));
        for (int i = 0; i < 11; i++) {
            docs.add(skipped("img" + i + ".png"));
        }
        IngestResult r = run(p, docs);
        p.summary(r, "m");
        List<String> listed = err().lines().toList();
        assertEquals(11, listed.size(), listed.toString());
        assertEquals("  bad.txt: failed (Could not parse)", listed.get(0));
        assertEquals("  img0.png: skipped (unknown document type)", listed.get(1));
        assertEquals("  ... and 2 more; --verbose lists every file", listed.get(10));
        assertTrue(out().contains("Ingested 0 files into 'docs': 0 chunks"), out());
        assertTrue(out().contains("; 11 skipped, 1 failed"), out());
    }

    @Test
    void quietListsOnlyFailuresAndTheSummarySaysWhatWasCreatedAndReplaced() {
        IngestPrinter p = printer(IngestPrinter.Mode.QUIET, true);
        List<DocumentResult> docs = List.of(
                new DocumentResult("a.txt", "text/plain", Outcome.INGESTED, 1, 1, 4, null),
                skipped("b.png"),
                new DocumentResult("c.txt", "text/plain", Outcome.FAILED, 0, 0, 0, "broken"));
        p.started(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            p.documentDone(docs.get(i), new IngestProgress(i + 1, 3, 1, 1));
        }
        p.summary(new IngestResult("docs", true, docs, 500_000_000L), "all-minilm-l6-v2");
        assertEquals(
                List.of(
                        "Created collection 'docs' (embedding model all-minilm-l6-v2, cosine)",
                        "Ingested 1 file into 'docs': 1 chunk in 0.5 s (2 chunks/s); 1 skipped, 1 failed",
                        "Replaced 1 chunk from an earlier ingest; removed 4 chunks the files no longer have"),
                out().lines().toList());
        assertEquals(List.of("  c.txt: failed (broken)"), err().lines().toList());
    }
}
