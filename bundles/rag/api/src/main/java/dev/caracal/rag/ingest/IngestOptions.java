package dev.caracal.rag.ingest;

import dev.caracal.rag.ChunkingOptions;
import java.util.Objects;

/**
 * How to ingest: the chunker's strategy (the {@code caracal.chunker.strategy} of a registered chunker) and its sizes,
 * the embedding model a collection is created with when it does not exist yet, and how many records each durable
 * batch writes.
 */
public record IngestOptions(String chunkingStrategy, ChunkingOptions chunking, String embeddingModel, int batchSize) {
    public static final String DEFAULT_STRATEGY = "paragraph";
    public static final String DEFAULT_EMBEDDING_MODEL = "all-minilm-l6-v2";
    public static final int DEFAULT_BATCH_SIZE = 64;

    public static final IngestOptions DEFAULTS = new IngestOptions(
            DEFAULT_STRATEGY, ChunkingOptions.PARAGRAPHS, DEFAULT_EMBEDDING_MODEL, DEFAULT_BATCH_SIZE);

    public IngestOptions {
        Objects.requireNonNull(chunking, "chunking");
        if (chunkingStrategy == null || chunkingStrategy.isBlank()) {
            throw new InvalidIngestRequestException("options.chunkingStrategy", "name a chunking strategy");
        }
        if (embeddingModel == null || embeddingModel.isBlank()) {
            throw new InvalidIngestRequestException(
                    "options.embeddingModel", "name the embedding model a new collection is created with");
        }
        if (batchSize < 1) {
            throw new InvalidIngestRequestException(
                    "options.batchSize", "the batch size must be a positive number of records, got " + batchSize);
        }
    }

    public IngestOptions withEmbeddingModel(String model) {
        return new IngestOptions(chunkingStrategy, chunking, model, batchSize);
    }

    public IngestOptions withBatchSize(int size) {
        return new IngestOptions(chunkingStrategy, chunking, embeddingModel, size);
    }
}
