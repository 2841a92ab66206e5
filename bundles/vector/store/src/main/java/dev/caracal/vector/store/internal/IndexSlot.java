package dev.caracal.vector.store.internal;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.VectorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index plugin serving one collection, and its life cycle: {@code flat} collections need none (always READY).
 * Otherwise, when a factory of the collection's type is available the slot opens an index, feeds it every live vector
 * in the background (BUILDING, with progress; searches use the exact scan meanwhile) while new writes go to it as
 * they are published, and swaps it in (READY) once complete. When the factory leaves, the index is closed and the slot
 * is DEGRADED until a factory of that type comes back and a new index is built.
 *
 * <p>Consistency with writes: every mutation of the index and every build step happens under the collection's
 * publish lock. Ordinals below {@code buildEnd} (the published range when the build started) are added by the build,
 * if still live when it reaches them; later ordinals are added by publication. A removal the build has not reached
 * yet is skipped: the build will find the ordinal dead.
 */
final class IndexSlot {
    private static final Logger LOG = LoggerFactory.getLogger(IndexSlot.class);
    private static final int BUILD_CHUNK = 256;

    /** What searches read: the status, the index when READY, and the factory in use (READY or BUILDING). */
    record View(IndexStatus status, VectorIndex index, VectorIndexFactory factory, String message) {
    }

    private final StoredCollection collection;
    private final IndexSpec spec;
    private final String type;
    private final boolean flat;
    private final Executor buildExecutor;
    private final ReentrantLock lock;
    private volatile View view;
    private volatile double progress = 1.0;

    // guarded by lock (the collection's publish lock)
    private long generation;
    private boolean closed;
    private VectorIndex building;
    private int buildEnd;
    private int builtUpTo;

    IndexSlot(StoredCollection collection, IndexSpec spec, Executor buildExecutor) {
        this.collection = collection;
        this.spec = spec;
        this.type = spec.type();
        this.flat = IndexSpec.FLAT.equals(type);
        this.buildExecutor = buildExecutor;
        this.lock = collection.publishLock;
        this.view = flat ? new View(IndexStatus.READY, null, null, null)
                : new View(IndexStatus.DEGRADED, null, null, absentMessage());
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

    View view() {
        return view;
    }

    IndexState state() {
        View v = view;
        if (flat) {
            return new IndexState(type, IndexStatus.READY, 1.0, "exact scan");
        }
        return new IndexState(type, v.status(), v.status() == IndexStatus.BUILDING ? progress : 1.0, v.message());
    }

    /** Whether no factory serves this slot now (a non-flat collection whose plugin is absent or failed). */
    boolean needsFactory() {
        return !flat && view.factory() == null;
    }

    /** Starts building an index with {@code factory} unless one is already in use. */
    void attach(VectorIndexFactory factory) {
        long gen = claim(factory);
        if (gen >= 0) {
            startBuild(gen, factory);
        }
    }

    /**
     * Marks the slot BUILDING with {@code factory} unless one is already in use; returns the build generation to pass
     * to {@link #startBuild}, or -1 when there is nothing to build. Lets a new slot show BUILDING from the moment it
     * is published (see {@link StoredCollection#replaceIndex}).
     */
    long claim(VectorIndexFactory factory) {
        if (flat) {
            return -1;
        }
        lock.lock();
        try {
            if (closed || view.factory() != null) {
                return -1;
            }
            long gen = ++generation;
            progress = 0;
            view = new View(IndexStatus.BUILDING, null, factory,
                    "building the " + type + " index; searches use an exact scan meanwhile");
            return gen;
        } finally {
            lock.unlock();
        }
    }

    /** Opens the index of a {@link #claim claimed} build and feeds it the store in the background. */
    void startBuild(long gen, VectorIndexFactory factory) {
        VectorIndex index;
        try {
            Path dir = collection.directory.resolve("index");
            clearDirectory(dir);
            index = factory.open(new IndexContext(collection.name, collection.spec.metric(), spec,
                    new StoreVectorSource(), dir));
        } catch (Throwable t) {
            LOG.warn("Collection '{}': the {} index plugin failed to open an index", collection.name, type, t);
            fail(gen, "the " + type + " index plugin failed to open: " + t + "; searches use an exact scan");
            return;
        }
        lock.lock();
        try {
            if (gen != generation) {
                closeQuietly(index);
                return;
            }
            building = index;
            buildEnd = collection.snapshot().maxOrdinal;
            builtUpTo = 0;
        } finally {
            lock.unlock();
        }
        try {
            buildExecutor.execute(() -> build(gen, index, factory));
        } catch (RejectedExecutionException e) {
            fail(gen, "the store is shutting down");
        }
    }

    private void build(long gen, VectorIndex index, VectorIndexFactory factory) {
        int dim = collection.spec.dimension();
        int ordinal = 0;
        try {
            while (true) {
                lock.lock();
                try {
                    if (gen != generation) {
                        closeQuietly(index);
                        return;
                    }
                    Snapshot current = collection.snapshot();
                    int end = Math.min(buildEnd, ordinal + BUILD_CHUNK);
                    for (; ordinal < end; ordinal++) {
                        if (current.isLive(ordinal)) {
                            float[] v = new float[dim];
                            current.copyIndexVector(ordinal, v);
                            index.add(ordinal, v);
                        }
                    }
                    builtUpTo = ordinal;
                    if (ordinal >= buildEnd) {
                        building = null;
                        progress = 1.0;
                        view = new View(IndexStatus.READY, index, factory, null);
                        LOG.info("Collection '{}': the {} index is ready ({} vectors)", collection.name, type,
                                index.size());
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                progress = (double) ordinal / buildEnd;
            }
        } catch (Throwable t) {
            LOG.warn("Collection '{}': building the {} index failed", collection.name, type, t);
            fail(gen, "building the " + type + " index failed: " + t + "; searches use an exact scan");
            closeQuietly(index);
        }
    }

    /** Feeds a published group of batches to the index being built or serving (under the publish lock). */
    void onPublish(List<Batch> batches) {
        if (flat) {
            return;
        }
        VectorIndex target = building != null ? building
                : (view.status() == IndexStatus.READY ? view.index() : null);
        if (target == null) {
            return;
        }
        boolean isBuilding = target == building;
        int dim = collection.spec.dimension();
        Snapshot published = collection.snapshot();
        try {
            for (Batch b : batches) {
                for (int i = 0; i < b.addCount; i++) {
                    int o = b.addOrdinals[i];
                    float[] v = new float[dim];
                    published.copyIndexVector(o, v);
                    target.add(o, v);
                }
                for (int i = 0; i < b.removeCount; i++) {
                    int o = b.removeOrdinals[i];
                    if (isBuilding && o >= builtUpTo && o < buildEnd) {
                        continue; // not reached by the build yet; it will find the ordinal dead
                    }
                    target.remove(o);
                }
            }
        } catch (Throwable t) {
            LOG.warn("Collection '{}': the {} index failed to apply a write; it is dropped", collection.name, type, t);
            generation++;
            building = null;
            progress = 1.0;
            view = new View(IndexStatus.DEGRADED, null, null,
                    "the " + type + " index failed: " + t + "; searches use an exact scan");
            if (!isBuilding) {
                closeQuietly(target); // an index still building is closed by its build task
            }
        }
    }

    /** The factory left: close its index and serve by exact scan. Returns whether it was in use here. */
    boolean detach(VectorIndexFactory factory) {
        VectorIndex toClose = null;
        lock.lock();
        try {
            View v = view;
            if (flat || v.factory() != factory) {
                return false;
            }
            generation++;
            if (v.status() == IndexStatus.READY) {
                toClose = v.index();
            }
            // an index still building is closed by its build task when it sees the new generation
            building = null;
            progress = 1.0;
            view = new View(IndexStatus.DEGRADED, null, null, absentMessage());
        } finally {
            lock.unlock();
        }
        closeQuietly(toClose);
        return true;
    }

    void close() {
        VectorIndex toClose = null;
        lock.lock();
        try {
            closed = true;
            generation++;
            if (view.status() == IndexStatus.READY) {
                toClose = view.index();
            }
            building = null;
        } finally {
            lock.unlock();
        }
        closeQuietly(toClose);
    }

    private boolean fail(long gen, String message) {
        lock.lock();
        try {
            if (gen != generation) {
                return false;
            }
            generation++;
            building = null;
            progress = 1.0;
            view = new View(IndexStatus.DEGRADED, null, null, message);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private String absentMessage() {
        return "index plugin '" + type + "' is not available; searches use an exact scan";
    }

    private static void closeQuietly(VectorIndex index) {
        if (index != null) {
            try {
                index.close();
            } catch (Throwable t) {
                LOG.debug("closing an index failed", t);
            }
        }
    }

    private static void clearDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            FileUtil.deleteRecursively(dir);
        }
        Files.createDirectories(dir);
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
