package dev.caracal.rag.ingest.internal;

import dev.caracal.rag.ingest.InvalidIngestRequestException;
import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every store call of one ingestion goes through here: it names the collection the ingestion writes to, creates it on
 * first write (the embedding model given, cosine, the exact flat index), replaces a document's records and queues
 * them in durable batches. Not thread-safe: one ingestion, one writer.
 */
final class CollectionWriter {
    /** Metadata of every chunk record: the document it came from, its index, and how many the document has. */
    static final String SOURCE = "source";

    static final String CHUNK = "chunk";
    static final String CHUNKS = "chunks";

    private final VectorStore store;
    private final String collection;
    private final String embeddingModel;
    private final int batchSize;
    private final List<VectorRecord> pending;
    private boolean exists;
    private boolean created;

    CollectionWriter(VectorStore store, String collection, String embeddingModel, int batchSize) {
        this.store = store;
        this.collection = collection;
        this.embeddingModel = embeddingModel;
        this.batchSize = batchSize;
        this.pending = new ArrayList<>(batchSize);
    }

    /** Checks that an existing collection can take text: it needs an embedding model to turn chunks into vectors. */
    void prepare() {
        CollectionInfo info;
        try {
            info = store.describe(collection);
        } catch (CollectionNotFoundException e) {
            return; // created on first write
        }
        exists = true;
        if (info.spec().embeddingModel() == null) {
            throw new InvalidIngestRequestException(
                    "collection",
                    "collection '" + collection + "' has no embedding model, so text cannot be stored in it; "
                            + "ingest into another collection, which is created with the model " + embeddingModel);
        }
    }

    String collection() {
        return collection;
    }

    boolean created() {
        return created;
    }

    /**
     * Replaces the records of document {@code name} with {@code chunks} (ids {@code <name>#0..}): removes the records
     * it had beyond the new count now and queues the new ones for the next batch.
     *
     * @return how many records the document had before (0 for a new one)
     */
    int replace(String name, List<VectorRecord> chunks) {
        if (!exists && chunks.isEmpty()) {
            return 0;
        }
        ensureCollection();
        int before = previousChunks(name);
        if (before > chunks.size()) {
            List<String> stale = new ArrayList<>(before - chunks.size());
            for (int c = chunks.size(); c < before; c++) {
                stale.add(id(name, c));
            }
            store.delete(collection, stale);
        }
        for (VectorRecord record : chunks) {
            pending.add(record);
            if (pending.size() >= batchSize) {
                flush();
            }
        }
        return before;
    }

    /** Writes the queued records as one durable batch. */
    void flush() {
        if (!pending.isEmpty()) {
            store.upsert(collection, List.copyOf(pending));
            pending.clear();
        }
    }

    static String id(String name, int chunk) {
        return name + "#" + chunk;
    }

    private int previousChunks(String name) {
        Optional<VectorRecord> first = store.get(collection, id(name, 0));
        if (first.isEmpty()) {
            return 0;
        }
        return first.get().metadata().get(CHUNKS) instanceof Number n ? Math.max(1, n.intValue()) : 1;
    }

    private void ensureCollection() {
        if (!exists) {
            try {
                store.createCollection(
                        new CollectionSpec(collection, 0, Metric.COSINE, embeddingModel, IndexSpec.FLAT_SPEC));
                created = true;
            } catch (CollectionExistsException e) {
                prepare(); // another ingestion created it meanwhile: it must take text all the same
            }
            exists = true;
        }
    }
}
