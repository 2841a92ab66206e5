package dev.caracal.vector.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.LlmProperties;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.DocumentParser;
import dev.caracal.rag.text.internal.ParagraphChunker;
import dev.caracal.rag.text.internal.TextDocumentParser;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingestion against the real store and the real text parser and chunker; a small hashing model embeds the text. */
class IngestorTest {

    /** Deterministic 16-d vectors from character trigram hashes: enough to store and search text here. */
    static final class HashingModel implements EmbeddingModel {
        public String name() {
            return "hashing";
        }

        public int dimension() {
            return 16;
        }

        public boolean normalized() {
            return false;
        }

        public int maxInputTokens() {
            return 512;
        }

        public Embeddings embed(List<String> inputs) {
            List<float[]> out = new ArrayList<>();
            for (String s : inputs) {
                float[] v = new float[16];
                v[0] = 1;
                for (int i = 0; i + 3 <= s.length(); i++) {
                    v[Math.floorMod(s.substring(i, i + 3).hashCode(), 16)] += 1;
                }
                out.add(v);
            }
            return new Embeddings(out, inputs.size());
        }
    }

    @TempDir
    Path data;

    @TempDir
    Path docs;

    VectorStoreComponent store;
    final List<String> progress = new ArrayList<>();

    final Ingestor.Services plugins = new Ingestor.Services() {
        final TextDocumentParser parser = new TextDocumentParser();

        public Optional<DocumentParser> parser(String mediaType) {
            return parser.mediaTypes().contains(mediaType) ? Optional.of(parser) : Optional.empty();
        }

        public Optional<Chunker> chunker(String strategy) {
            return Optional.of(new ParagraphChunker());
        }
    };

    @BeforeEach
    void start() {
        store = VectorStoreComponent.standalone(new StoreSettings(data, 1, 1000, 1000, 512, 4, 1));
        store.bindEmbeddingModel(new HashingModel(), Map.of(LlmProperties.EMBEDDING_MODEL, "hashing"));
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    Ingestor ingestor(int batch) {
        return new Ingestor(store, plugins, "docs", "hashing", batch);
    }

    static String paragraphs(int n, String word) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(("Paragraph " + i + " about " + word + ". ").repeat(40)).append("\n\n");
        }
        return sb.toString();
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

        Ingestor.Summary s = ingestor(2).ingest(docs, progress::add);
        assertEquals(2, s.files());
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
    }

    @Test
    void ingestingAgainReplacesChunksAndRemovesOnesTheFileNoLongerHas() throws Exception {
        Path file = docs.resolve("notes.txt");
        Files.writeString(file, paragraphs(6, "first"), StandardCharsets.UTF_8);
        int before = ingestor(64).ingest(file, progress::add).chunks();
        assertTrue(before > 1);
        Files.writeString(file, "Just one short paragraph now.", StandardCharsets.UTF_8);
        assertEquals(1, ingestor(64).ingest(file, progress::add).chunks());
        assertEquals(1, store.count("docs"));
        assertEquals(
                "Just one short paragraph now.",
                store.get("docs", "notes.txt#0").orElseThrow().text());
    }

    @Test
    void withoutAChunkerItSaysWhichFeatureToInstall() {
        Ingestor.Services none = new Ingestor.Services() {
            public Optional<DocumentParser> parser(String mediaType) {
                return Optional.empty();
            }

            public Optional<Chunker> chunker(String strategy) {
                return Optional.empty();
            }
        };
        VectorException e = assertThrows(
                VectorException.class,
                () -> new Ingestor(store, none, "docs", "hashing", 8).ingest(docs, progress::add));
        assertTrue(e.getMessage().contains("caracal-rag-text"), e.getMessage());
    }
}
