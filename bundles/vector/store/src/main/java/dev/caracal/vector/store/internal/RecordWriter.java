package dev.caracal.vector.store.internal;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The write path in front of a collection: checks every record of an upsert (id, vector or text, metadata, edges;
 * each failure names the record and field), embeds the texts of records without a vector in one call, encodes the
 * durable payloads, and hands the batch to {@link StoredCollection}, which makes it durable. Deletes are checked the
 * same way.
 */
final class RecordWriter {
    private final int maxBatchSize;
    private final int maxIdLength;
    private final Embedder embedder;

    RecordWriter(StoreSettings settings, Embedder embedder) {
        this.maxBatchSize = settings.maxBatchSize();
        this.maxIdLength = settings.maxIdLength();
        this.embedder = embedder;
    }

    UpsertResult upsert(StoredCollection c, List<VectorRecord> records) {
        if (records == null) {
            throw new InvalidRequestException("records", "records are required");
        }
        if (records.size() > maxBatchSize) {
            throw new InvalidRequestException(
                    "records", "at most " + maxBatchSize + " records per upsert; got " + records.size());
        }
        if (records.isEmpty()) {
            return new UpsertResult(0, 0, 0);
        }
        // the last occurrence of an id in a batch wins
        LinkedHashMap<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            VectorRecord r = records.get(i);
            if (r == null) {
                throw new InvalidRequestException("records[" + i + "]", "a record must not be null");
            }
            Requests.id(r.id(), "records[" + i + "].id", maxIdLength);
            last.remove(r.id());
            last.put(r.id(), i);
        }
        int dimension = c.spec.dimension();
        int n = last.size();
        int[] positions = new int[n];
        float[][] vectors = new float[n][];
        byte[][] metadataJson = new byte[n][];
        List<String> texts = new ArrayList<>();
        List<Integer> toEmbed = new ArrayList<>();
        int j = 0;
        for (int i : last.values()) {
            VectorRecord r = records.get(i);
            String at = "records[" + i + "]";
            positions[j] = i;
            if (r.vector() != null) {
                // a private copy: what is checksummed, written and published must not change under us
                vectors[j] = r.vector().clone();
                Requests.vector(vectors[j], dimension, c.spec.metric(), at + ".vector");
            } else if (r.text() != null && !r.text().isBlank()) {
                if (c.spec.embeddingModel() == null) {
                    throw new InvalidRequestException(
                            at + ".vector",
                            "a vector is required: collection '" + c.name
                                    + "' has no embedding model to embed the text with");
                }
                texts.add(r.text());
                toEmbed.add(j);
            } else {
                throw new InvalidRequestException(at + ".vector", "give a vector, or text to embed");
            }
            metadataJson[j] =
                    r.metadata().isEmpty() ? new byte[0] : JsonCodec.writeObject(r.metadata(), at + ".metadata");
            for (int e = 0; e < r.edges().size(); e++) {
                Requests.edge(r.edges().get(e), at + ".edges[" + e + "]", maxIdLength);
            }
            j++;
        }
        if (!texts.isEmpty()) {
            List<float[]> embedded = embedder.embed(c, texts, "records");
            for (int t = 0; t < embedded.size(); t++) {
                int k = toEmbed.get(t);
                float[] v = embedded.get(t);
                Requests.vector(v, dimension, c.spec.metric(), "records[" + positions[k] + "].vector");
                vectors[k] = v;
            }
        }
        List<PreparedRecord> prepared = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            VectorRecord r = records.get(positions[k]);
            Map<String, Object> metadata = JsonCodec.readObject(metadataJson[k]);
            prepared.add(new PreparedRecord(
                    r.id(),
                    vectors[k],
                    metadata,
                    RecordCodec.encode(r.id(), VectorChecksum.of(vectors[k]), metadataJson[k], r.text(), r.edges())));
        }
        int[] counts = c.upsert(prepared);
        return new UpsertResult(counts[0], counts[1], texts.size());
    }

    /** Deletes records by id (each once); returns how many existed. */
    int delete(StoredCollection c, Collection<String> ids) {
        if (ids == null) {
            throw new InvalidRequestException("ids", "ids are required");
        }
        if (ids.size() > maxBatchSize) {
            throw new InvalidRequestException("ids", "at most " + maxBatchSize + " ids per delete; got " + ids.size());
        }
        Set<String> unique = new LinkedHashSet<>();
        int i = 0;
        for (String id : ids) {
            if (id == null) {
                throw new InvalidRequestException("ids[" + i + "]", "an id must not be null");
            }
            unique.add(id);
            i++;
        }
        return unique.isEmpty() ? 0 : c.delete(unique);
    }
}
