package dev.caracal.benchmarks.ann;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Filter;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.hnsw.internal.HnswIndexFactory;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Caracal HNSW through the whole store ({@link VectorStoreComponent#standalone}): durable upserts in batches of
 * 1,000 records (vector + metadata {@code label}), the hnsw plugin bound as DS would bind it, searches through
 * {@code VectorStore.search} with a metadata filter. Shows the store's overhead over the bare index.
 */
final class StoreContender implements Contender {
    private final Map<String, Object> params;
    private final Path dir;
    private final int[] knobs;
    private final int[] labels;
    private VectorStoreComponent store;
    private long bytes;

    StoreContender(Map<String, Object> params, Path dir, int[] knobs, int[] labels) {
        this.params = params;
        this.dir = dir;
        this.knobs = knobs;
        this.labels = labels;
    }

    @Override
    public String name() {
        return "caracal-store-hnsw";
    }

    @Override
    public String knobName() {
        return "ef";
    }

    @Override
    public int[] knobs() {
        return knobs;
    }

    @Override
    public void build(float[][] base) throws Exception {
        Files.createDirectories(dir);
        store = VectorStoreComponent.standalone(new StoreSettings(dir, 1, 10_000, 100_000, 512, 16, 1));
        store.bindIndexFactory(new HnswIndexFactory(), Map.of(VectorIndexFactory.TYPE_PROPERTY, "hnsw"));
        store.createCollection(new CollectionSpec("bench", base[0].length, Metric.L2, null,
                new IndexSpec("hnsw", params)));
        List<VectorRecord> batch = new ArrayList<>(1000);
        for (int i = 0; i < base.length; i++) {
            batch.add(new VectorRecord(Integer.toString(i), base[i], Map.of("label", labels[i]), null, null));
            if (batch.size() == 1000 || i == base.length - 1) {
                store.upsert("bench", batch);
                batch = new ArrayList<>(1000);
            }
        }
        while (store.describe("bench").index().status() != IndexStatus.READY) {
            Thread.sleep(20);
        }
        try (var s = Files.walk(dir)) {
            bytes = s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Override
    public int[] search(float[] query, int k, int knob, BitSet filter, int filterCount) {
        Filter f = null;
        if (filter != null) {
            f = filterCount < labels.length / 20 ? new Filter.Eq("label", 0) : new Filter.Range("label", null, null, null, 9);
        }
        SearchResult r = store.search("bench",
                new SearchRequest(query, null, k, f, SearchMode.VECTOR, Map.of("ef", knob), false));
        int[] out = new int[r.hits().size()];
        int i = 0;
        for (SearchHit h : r.hits()) {
            out[i++] = Integer.parseInt(h.id());
        }
        return out;
    }

    @Override
    public boolean supportsFilter() {
        return true;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public String note() {
        return "whole store: durable upserts (batches of 1,000, with metadata), then the hnsw index is READY; bytes = "
                + "store files on disk (records, vectors, metadata; the graph is in memory)";
    }

    @Override
    public void close() {
        if (store != null) {
            store.stop();
        }
    }
}
