package dev.caracal.vector.store.internal;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.VectorSource;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * The vector index plugin serving one collection (see {@link PluginSlot} for the life cycle). {@code flat}
 * collections need none: their slot is always READY and searches scan exactly. A plugin that does not support the
 * collection's metric is never attached: the slot stays DEGRADED and says why.
 */
final class IndexSlot extends PluginSlot<VectorIndexFactory, VectorIndex> {
    private final IndexSpec spec;
    private final String type;
    private final boolean flat;

    /** {@code fresh}: a new index (a change or rebuild) that must not reload what an earlier one persisted. */
    IndexSlot(StoredCollection collection, IndexSpec spec, Executor buildExecutor, boolean fresh) {
        super(
                collection,
                buildExecutor,
                !fresh,
                isExact(spec)
                        ? new View<>(IndexStatus.READY, null, null, null)
                        : new View<>(IndexStatus.DEGRADED, null, null, absentMessage(spec.type())));
        this.spec = spec;
        this.type = spec.type();
        this.flat = isExact(spec);
    }

    /** A flat spec without quantization: served by the store's exact scan, no index at all. */
    private static boolean isExact(IndexSpec spec) {
        return IndexSpec.FLAT.equals(spec.type()) && !QuantizedFlat.isQuantized(spec);
    }

    /** The name search results report: the type, or {@code flat-int8} for the quantized flat index. */
    String servedBy() {
        return QuantizedFlat.isQuantized(spec) ? "flat-int8" : type;
    }

    String type() {
        return type;
    }

    IndexSpec spec() {
        return spec;
    }

    boolean isFlat() {
        return flat;
    }

    IndexState state() {
        if (flat) {
            return new IndexState(type, IndexStatus.READY, 1.0, "exact scan");
        }
        View<VectorIndexFactory, VectorIndex> v = view();
        return new IndexState(type, v.status(), progress(), v.message());
    }

    @Override
    boolean needsFactory() {
        return !flat && super.needsFactory();
    }

    @Override
    void attach(VectorIndexFactory factory) {
        if (!flat) {
            super.attach(factory);
        }
    }

    @Override
    long claim(VectorIndexFactory factory) {
        return flat ? -1 : super.claim(factory);
    }

    @Override
    boolean detach(VectorIndexFactory factory) {
        return !flat && super.detach(factory);
    }

    @Override
    void onPublish(java.util.List<Batch> batches) {
        if (!flat) {
            super.onPublish(batches);
        }
    }

    @Override
    String label() {
        return "the " + type + " index";
    }

    @Override
    String buildingMessage() {
        return "building the " + type + " index; searches use an exact scan meanwhile";
    }

    @Override
    Path directory() {
        return collection.directory.resolve("index");
    }

    @Override
    VectorIndex open(VectorIndexFactory factory, Path directory) {
        return factory.open(
                new IndexContext(collection.label, collection.spec.metric(), spec, new StoreVectorSource(), directory));
    }

    @Override
    int restoredOrdinals(VectorIndex index) {
        return index.restoredOrdinals();
    }

    @Override
    void add(VectorIndex index, Snapshot s, int ordinal) {
        float[] v = new float[collection.spec.dimension()];
        s.copyIndexVector(ordinal, v);
        index.add(ordinal, v);
    }

    @Override
    void addPublished(VectorIndex index, Snapshot published, Batch batch, int i) {
        add(index, published, batch.addOrdinals[i]);
    }

    @Override
    void remove(VectorIndex index, int ordinal) {
        index.remove(ordinal);
    }

    @Override
    void persist(VectorIndex index, int coveredOrdinals) {
        index.persist(coveredOrdinals);
    }

    @Override
    void closeIndex(VectorIndex index) {
        index.close();
    }

    @Override
    int size(VectorIndex index) {
        return index.size();
    }

    @Override
    String absentMessage() {
        return absentMessage(type);
    }

    @Override
    String fallbackNote() {
        return "; searches use an exact scan";
    }

    private static String absentMessage(String type) {
        return "index plugin '" + type + "' is not available; searches use an exact scan";
    }

    /**
     * The collection's vectors as indexes read them: the latest published snapshot, unit length for cosine
     * collections (queries are normalized too, so an index may rank cosine by dot product).
     */
    private final class StoreVectorSource implements VectorSource {
        @Override
        public int dimension() {
            return collection.spec.dimension();
        }

        @Override
        public int maxOrdinal() {
            return collection.snapshot().maxOrdinal;
        }

        @Override
        public boolean isLive(int ordinal) {
            return collection.snapshot().isLive(ordinal);
        }

        @Override
        public void copyVector(int ordinal, float[] target) {
            Snapshot s = collection.snapshot();
            if (ordinal < 0 || ordinal >= s.maxOrdinal) {
                throw new IndexOutOfBoundsException("ordinal " + ordinal + " of " + s.maxOrdinal);
            }
            s.copyIndexVector(ordinal, target);
        }
    }
}
