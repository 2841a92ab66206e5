package dev.caracal.rag.ingest.internal;

import dev.caracal.llm.LlmProperties;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.IngestListener;
import dev.caracal.rag.ingest.IngestOptions;
import dev.caracal.rag.ingest.IngestProgress;
import dev.caracal.rag.text.internal.ParagraphChunker;
import dev.caracal.rag.text.internal.TextDocumentParser;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real store with a small hashing model, and the ingestion engine with the real text parser and paragraph chunker
 * bound as the service registry would bind them.
 */
abstract class IngestionTestSupport {

    @TempDir
    Path data;

    VectorStoreComponent store;
    IngestionService ingestion;
    final TextDocumentParser parser = new TextDocumentParser();
    final List<String> progress = new ArrayList<>();

    /** Records one line per document, as {@code <name>: <outcome>}. */
    final IngestListener lines = new IngestListener() {
        @Override
        public void documentDone(DocumentResult document, IngestProgress at) {
            progress.add(document.name() + ": "
                    + (document.skipped() ? "skipped" : document.failed() ? "failed" : document.chunks() + " chunks"));
        }
    };

    @BeforeEach
    void start() {
        store = VectorStoreComponent.standalone(new StoreSettings(data, 1, 1000, 1000, 512, 4, 1));
        store.bindEmbeddingModel(
                new HashingEmbeddingModel("hashing", 16), Map.of(LlmProperties.EMBEDDING_MODEL, "hashing"));
        ingestion = engine(IngestionService.MAX_DOCUMENT_BYTES);
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    /** An engine with the text parser and the paragraph chunker bound. */
    IngestionService engine(long maxDocumentBytes) {
        IngestionService engine = new IngestionService(store, maxDocumentBytes);
        engine.bindParser(parser, Map.of("service.id", 10L));
        engine.bindChunker(new ParagraphChunker(), Map.of(Chunker.STRATEGY_PROPERTY, ParagraphChunker.STRATEGY));
        return engine;
    }

    static IngestOptions options(int batch) {
        return IngestOptions.DEFAULTS.withEmbeddingModel("hashing").withBatchSize(batch);
    }

    static String paragraphs(int n, String word) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(("Paragraph " + i + " about " + word + ". ").repeat(40)).append("\n\n");
        }
        return sb.toString();
    }
}
