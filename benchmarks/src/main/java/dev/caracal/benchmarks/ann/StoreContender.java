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
 * A Caracal collection through the whole store ({@link VectorStoreComponent#standalone}, exact scans on the calling
 * thread only): durable upserts in batches of 1,000 records (vector + metadata {@code label}), the index plugin
 * bound as DS would bind it (hnsw), or the store's own flat indexes (exact scan; int8 flat), searches through
 * {@code VectorStore.search} with a metadata filter ({@code label = 0} for 1%, {@code label <= 9} for 10%). Shows the
 * store's overhead over the bare index.
 */
final class StoreContender implements Contender {
    private final String name;
    private final IndexSpec spec;
    private final String knobName;
    private final Path dir;
    private final int[] knobs;
    private final int[] labels;
    private final Metric metric;
    private VectorStoreComponent store;
    private long bytes;
    private long hotBytes;

    /** {@code knobName} is the per-query parameter the knob sets ({@code ef}, {@code rerank}), or "exact" for none. */
    StoreContender(String name, IndexSpec spec, String knobName, int[] knobs, Path dir, int[] labels, Metric metric) {
        this.name = name;
        this.spec = spec;
        this.knobName = knobName;
        this.dir = dir;
        this.knobs = knobs;
        this.labels = labels;
        this.metric = metric;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String knobName() {
        return knobName;
    }

    @Override
    public int[] filterKnobs() {
        return switch (knobName) {
            case "rerank" -> new int[] {10, 50};
            case "exact" -> new int[] {0};
            default -> Contender.super.filterKnobs();
        };
    }

    @Override
    public int[] knobs() {
        return knobs;
    }

    @Override
    public void build(float[][] base) throws Exception {
        Files.createDirectories(dir);
        store = VectorStoreComponent.standalone(new StoreSettings(dir, 1, 10_000, 100_000, 512, 16, 1));
        if (spec.type().equals("hnsw")) {
            store.bindIndexFactory(new HnswIndexFactory(), Map.of(VectorIndexFactory.TYPE_PROPERTY, "hnsw"));
        }
        store.createCollection(new CollectionSpec("bench", base[0].length, metric, null, spec));
        List<VectorRecord> batch = new ArrayList<>(1000);
        for (int i = 0; i < base.length; i++) {
            batch.add(new VectorRecord(Integer.toString(i), base[i], Map.of("label", labels[i]), null, null));
            if (batch.size() == 1000 || i == base.length - 1) {
                store.upsert("bench", batch);
                batch = new ArrayList<>(1000);
            }
        }
        while (store.describe("bench").index() != null
                && store.describe("bench").index().status() != IndexStatus.READY) {
            Thread.sleep(20);
        }
        try (var s = Files.walk(dir)) {
            bytes = s.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
        hotBytes = bytes;
        if (spec.type().equals("flat") && "int8".equals(spec.params().get("quantization"))) {
            // the int8 codes live in memory: one byte per dimension plus a float scale (and |v|^2 for l2)
            hotBytes = (long) base.length * (base[0].length + 4 + (metric == Metric.L2 ? 4 : 0));
        }
    }

    @Override
    public int[] search(float[] query, int k, int knob, BitSet filter, int filterCount) {
        Filter f = null;
        if (filter != null) {
            f = filterCount < labels.length / 20
                    ? new Filter.Eq("label", 0)
                    : new Filter.Range("label", null, null, null, 9);
        }
        SearchResult r = store.search(
                "bench",
                new SearchRequest(
                        query,
                        null,
                        k,
                        f,
                        SearchMode.VECTOR,
                        knobName.equals("exact") ? null : Map.of(knobName, knob),
                        false));
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
    public long hotBytes() {
        return hotBytes;
    }

    @Override
    public String note() {
        String what = switch (knobName) {
            case "rerank" ->
                "the store's int8 flat index (IndexSpec(\"flat\", {quantization: int8})): scans one byte "
                        + "per dimension, re-ranks the best k * rerank with the float vectors; hot = the int8 codes + "
                        + "scales (memory)";
            case "exact" -> "the store's exact flat scan (no index; 1.0-recall reference), scans on the calling thread";
            default -> "the " + spec.type() + " index is READY";
        };
        return "whole store: durable upserts (batches of 1,000, with metadata), then " + what + "; bytes = store "
                + "files on disk (records, vectors, metadata); eq/range filters go through the store's metadata "
                + "handling";
    }

    @Override
    public void close() {
        if (store != null) {
            store.stop();
        }
    }
}
