package dev.caracal.rag.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.Chunker;
import dev.caracal.rag.DocumentParser;
import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.IngestListener;
import dev.caracal.rag.ingest.IngestOptions;
import dev.caracal.rag.ingest.IngestProgress;
import dev.caracal.rag.ingest.IngestRequest;
import dev.caracal.rag.ingest.IngestResult;
import dev.caracal.rag.ingest.IngestUnavailableException;
import dev.caracal.rag.ingest.InvalidIngestRequestException;
import dev.caracal.rag.text.internal.ParagraphChunker;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorRecord;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingestion of local files against the real store and the real text parser and chunker; a small hashing model embeds
 * the text.
 */
class IngestionServiceTest extends IngestionTestSupport {

    @TempDir
    Path docs;

    IngestResult ingest(Path path, int batch) {
        return ingestion.ingest(IngestRequest.path("default", "docs", path, options(batch)), lines);
    }

    @Test
    void ingestsAFolderOneRecordPerChunkWithSourceMetadata() throws Exception {
        Files.writeString(docs.resolve("a.md"), "# Title A\n\n" + paragraphs(3, "alpha"), StandardCharsets.UTF_8);
        Files.createDirectories(docs.resolve("sub"));
        Files.writeString(
                docs.resolve("sub/b.html"),
                "<h1>B</h1><p>" + "bravo text. ".repeat(20) + "</p>",
                StandardCharsets.UTF_8);
        Files.writeString(docs.resolve("c.bin"), "binary", StandardCharsets.UTF_8);
        Files.createDirectories(docs.resolve(".git"));
        Files.writeString(docs.resolve(".git/config"), "hidden", StandardCharsets.UTF_8);

        IngestResult s = ingest(docs, 2);
        assertEquals(2, s.ingested());
        assertEquals(1, s.skipped());
        assertEquals(0, s.failed());
        assertEquals(s.chunks(), store.count("docs"));
        assertTrue(s.chunks() >= 3, "the long markdown file is cut into several chunks");
        VectorRecord first = store.get("docs", "a.md#0").orElseThrow();
        assertEquals("a.md", first.metadata().get("source"));
        assertEquals(0, ((Number) first.metadata().get("chunk")).intValue());
        assertEquals("Title A", first.metadata().get("title"));
        assertTrue(store.get("docs", "sub/b.html#0").isPresent());
        assertEquals(3, progress.size(), progress.toString());
        assertTrue(progress.get(1).contains("c.bin: skipped"), progress.toString());
        assertEquals(16, store.describe("docs").spec().dimension(), "created with the model's dimension");
        assertTrue(s.created());
    }

    @Test
    void ingestingAgainReplacesChunksAndRemovesOnesTheFileNoLongerHas() throws Exception {
        Path file = docs.resolve("notes.txt");
        Files.writeString(file, paragraphs(6, "first"), StandardCharsets.UTF_8);
        int before = ingest(file, 64).chunks();
        assertTrue(before > 1);
        Files.writeString(file, "Just one short paragraph now.", StandardCharsets.UTF_8);
        IngestResult again = ingest(file, 64);
        assertEquals(1, again.chunks());
        assertEquals(1, store.count("docs"));
        assertEquals(
                "Just one short paragraph now.",
                store.get("docs", "notes.txt#0").orElseThrow().text());
        assertEquals(1, again.replaced(), "chunk 0 replaced");
        assertEquals(before - 1, again.removed(), "the chunks the file no longer has");
        assertFalse(again.created());
    }

    @Test
    void withoutAChunkerItSaysWhichFeatureToInstall() {
        IngestionService none = new IngestionService(store);
        IngestUnavailableException e = assertThrows(
                IngestUnavailableException.class,
                () -> none.ingest(IngestRequest.path("default", "docs", docs, options(8)), lines));
        assertTrue(e.getMessage().contains("caracal-rag-text"), e.getMessage());
        IngestOptions semantic = new IngestOptions("semantic", options(8).chunking(), "hashing", 8);
        e = assertThrows(
                IngestUnavailableException.class,
                () -> ingestion.ingest(IngestRequest.path("default", "docs", docs, semantic), lines));
        assertEquals(
                "no semantic chunker is available; install the feature whose chunker registers "
                        + "caracal.chunker.strategy=semantic",
                e.getMessage());
    }

    @Test
    void aFileThatCannotBeParsedFailsAloneAndTheRunGoesOn() throws Exception {
        Files.writeString(docs.resolve("a.txt"), "Alpha text.", StandardCharsets.UTF_8);
        Files.writeString(docs.resolve("b.txt"), "Bravo text.", StandardCharsets.UTF_8);
        IngestionService failing = new IngestionService(store);
        failing.bindChunker(new ParagraphChunker(), Map.of(Chunker.STRATEGY_PROPERTY, "paragraph"));
        failing.bindParser(
                new DocumentParser() {
                    public Set<String> mediaTypes() {
                        return Set.of("text/plain");
                    }

                    public ParsedDocument parse(InputStream in, String type, String source) throws ParseException {
                        if (source.startsWith("a")) {
                            throw new ParseException("Could not parse " + source + ": broken", null);
                        }
                        return parser.parse(in, type, source);
                    }
                },
                Map.of());
        IngestResult r = failing.ingest(IngestRequest.path("default", "docs", docs, options(8)), lines);
        assertEquals(1, r.failed());
        assertEquals(1, r.ingested());
        assertEquals(List.of("a.txt: Could not parse a.txt: broken"), r.problems());
        assertTrue(store.get("docs", "b.txt#0").isPresent());
    }

    @Test
    void aPathThatDoesNotExistIsRefusedNamingIt() {
        Path missing = docs.resolve("nowhere");
        InvalidIngestRequestException e = assertThrows(InvalidIngestRequestException.class, () -> ingest(missing, 8));
        assertEquals("path", e.field());
        assertTrue(
                e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void aCollectionWithoutAnEmbeddingModelIsRefusedBeforeAnyWork() throws Exception {
        store.createCollection(new CollectionSpec("docs", 4, Metric.L2, null, IndexSpec.FLAT_SPEC));
        Files.writeString(docs.resolve("a.txt"), "Alpha text.", StandardCharsets.UTF_8);
        InvalidIngestRequestException e = assertThrows(InvalidIngestRequestException.class, () -> ingest(docs, 8));
        assertEquals("collection", e.field());
        assertTrue(e.getMessage().contains("has no embedding model"), e.getMessage());
        assertEquals(0, store.count("docs"));
        assertTrue(progress.isEmpty());
    }

    @Test
    void whenNothingCanBeIngestedNoCollectionIsCreated() throws Exception {
        Files.writeString(docs.resolve("photo.png"), "not text", StandardCharsets.UTF_8);
        Files.writeString(docs.resolve("report.pdf"), "%PDF-1.7", StandardCharsets.UTF_8);
        IngestResult r = ingest(docs, 8);
        assertEquals(2, r.skipped());
        assertFalse(r.created());
        assertTrue(store.listCollections().isEmpty());
        assertEquals(
                List.of(
                        "photo.png: unknown document type; ingestion reads text/html (.htm, .html, .xhtml), "
                                + "text/markdown (.markdown, .md), text/plain (.text, .txt)",
                        "report.pdf: no parser for application/pdf; ingestion reads text/html (.htm, .html, .xhtml), "
                                + "text/markdown (.markdown, .md), text/plain (.text, .txt)"),
                r.problems());
    }

    @Test
    void aSingleFileIsNamedByItsFileNameAndProgressCountsEveryDocument() throws Exception {
        Path file = docs.resolve("one.md");
        Files.writeString(file, "# One\n\nThe only paragraph.", StandardCharsets.UTF_8);
        List<IngestProgress> seen = new ArrayList<>();
        int[] started = {-1};
        IngestResult r =
                ingestion.ingest(IngestRequest.path("default", "docs", file, options(8)), new IngestListener() {
                    @Override
                    public void started(int documents) {
                        started[0] = documents;
                    }

                    @Override
                    public void documentDone(DocumentResult document, IngestProgress at) {
                        seen.add(at);
                    }
                });
        assertEquals(1, started[0]);
        assertEquals(1, seen.size());
        assertEquals(1, seen.get(0).done());
        assertEquals(1, seen.get(0).total());
        assertEquals(r.chunks(), seen.get(0).chunks());
        assertEquals("one.md", r.documents().get(0).name());
        assertEquals("text/markdown", r.documents().get(0).mediaType());
        assertTrue(store.get("docs", "one.md#0").isPresent());
    }
}
