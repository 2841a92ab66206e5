package dev.caracal.vector.store.internal;

import dev.caracal.vector.IndexStatus;
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
 * A derived index of one collection served by a plugin ({@code F} its factory service, {@code I} the index it opens),
 * and its life cycle. When a factory is attached the slot opens an index in its directory, feeds it the store in the
 * background (BUILDING, with progress) while new writes go to it as they are published, and swaps it in (READY) once
 * complete. When the factory leaves, the index is persisted, closed, and the slot is DEGRADED until a factory comes
 * back.
 *
 * <h2>Resuming instead of rebuilding</h2>
 * An index may reload what it persisted ({@code restoredOrdinals} R): every ordinal below R was added if live and
 * removed if deleted when it was persisted. The build then only removes the ordinals below R that died since, and adds
 * the live ones from R on. A slot created to change or rebuild an index clears its directory before its first open.
 * Indexes are persisted, with the published range as R, when they leave READY without being replaced: the collection
 * closes or the plugin departs. Ordinals are never reused, so a persisted index stays a valid prefix of the data.
 *
 * <h2>Consistency with writes</h2>
 * Every mutation of the index and every build step happens under the collection's publish lock. Ordinals below
 * {@code buildEnd} (the published range when the build started) are handled by the build, later ones by publication.
 * A removal the build has not reached yet is skipped: the build will find the ordinal dead.
 */
abstract class PluginSlot<F, I> {
    private static final Logger LOG = LoggerFactory.getLogger(PluginSlot.class);
    private static final int BUILD_CHUNK = 256;
    private static final long MAX_RETRY_BACKOFF_SECONDS = 300;

    /** What searches read: the status, the index when READY, and the factory in use (READY or BUILDING). */
    record View<F, I>(IndexStatus status, I index, F factory, String message) {}

    protected final StoredCollection collection;
    private final Executor buildExecutor;
    private final ReentrantLock lock;
    private volatile View<F, I> view;
    private volatile double progress = 1.0;
    /** The last failure was the disk's: {@link #retryDue} tells the store's probe when to build again. */
    private volatile boolean storageFailed;

    private volatile long retryAfterNanos = System.nanoTime();
    private volatile long retryBackoffSeconds;

    // guarded by lock (the collection's publish lock)
    private long generation;
    private boolean closed;
    private I building;
    private int buildEnd;
    private int builtUpTo;
    private int restored;
    /** Whether the next open may reload a persisted index (false until a fresh slot's first open). */
    private boolean mayResume;

    PluginSlot(StoredCollection collection, Executor buildExecutor, boolean mayResume, View<F, I> initial) {
        this.collection = collection;
        this.buildExecutor = buildExecutor;
        this.lock = collection.publishLock;
        this.mayResume = mayResume;
        this.view = initial;
    }

    // ---- what a kind of slot supplies

    /** "the hnsw index", "the text index": for messages. */
    abstract String label();

    abstract Path directory();

    abstract I open(F factory, Path directory);

    abstract int restoredOrdinals(I index);

    /** Adds a live ordinal as of snapshot {@code s} (a build step). */
    abstract void add(I index, Snapshot s, int ordinal);

    /** Adds the {@code i}-th record of a published batch. */
    abstract void addPublished(I index, Snapshot published, Batch batch, int i);

    abstract void remove(I index, int ordinal);

    abstract void persist(I index, int coveredOrdinals);

    abstract void closeIndex(I index);

    abstract int size(I index);

    /** The message of a slot without a factory. */
    abstract String absentMessage();

    /** What searches do while this slot cannot serve, appended to failure messages ("; searches use ..."). */
    abstract String fallbackNote();

    // ---- state

    View<F, I> view() {
        return view;
    }

    double progress() {
        return view.status() == IndexStatus.BUILDING ? progress : 1.0;
    }

    /** Whether no factory serves this slot now (its plugin is absent or failed). */
    boolean needsFactory() {
        return view.factory() == null;
    }

    /** Starts building an index with {@code factory} unless one is already in use. */
    void attach(F factory) {
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
    long claim(F factory) {
        lock.lock();
        try {
            if (closed || view.factory() != null) {
                return -1;
            }
            long gen = ++generation;
            progress = 0;
            view = new View<>(IndexStatus.BUILDING, null, factory, buildingMessage());
            return gen;
        } finally {
            lock.unlock();
        }
    }

    String buildingMessage() {
        return "building " + label();
    }

    /** Opens the index of a {@link #claim claimed} build and feeds it the store in the background. */
    void startBuild(long gen, F factory) {
        I index;
        int resumeFrom;
        try {
            Path dir = directory();
            boolean resume;
            lock.lock();
            try {
                resume = mayResume;
                mayResume = true;
            } finally {
                lock.unlock();
            }
            if (!resume) {
                clearDirectory(dir);
            }
            Files.createDirectories(dir);
            index = open(factory, dir);
            resumeFrom = Math.max(0, restoredOrdinals(index));
            if (resumeFrom > collection.snapshot().maxOrdinal) {
                // cannot be a prefix of this data: start over
                LOG.warn(
                        "Collection '{}': {} claims {} ordinals but the store has {}; rebuilding it",
                        collection.label,
                        label(),
                        resumeFrom,
                        collection.snapshot().maxOrdinal);
                closeQuietly(index);
                clearDirectory(dir);
                Files.createDirectories(dir);
                index = open(factory, dir);
                resumeFrom = 0;
            }
        } catch (Throwable t) {
            LOG.warn("Collection '{}': the plugin failed to open {}", collection.label, label(), t);
            fail(gen, "the plugin failed to open " + label() + ": " + cause(t) + fallbackNote());
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
            restored = resumeFrom;
        } finally {
            lock.unlock();
        }
        if (resumeFrom > 0) {
            LOG.info(
                    "Collection '{}': {} resumes from its persisted state ({} of {} ordinals)",
                    collection.label,
                    label(),
                    resumeFrom,
                    buildEnd);
        }
        I opened = index;
        try {
            buildExecutor.execute(() -> build(gen, opened, factory));
        } catch (RejectedExecutionException e) {
            fail(gen, "the store is shutting down");
        }
    }

    private void build(long gen, I index, F factory) {
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
                    // the restored prefix only needs removals: a chunk of it costs little
                    int chunk = ordinal < restored ? BUILD_CHUNK * 64 : BUILD_CHUNK;
                    int end = Math.min(buildEnd, ordinal + chunk);
                    for (; ordinal < end; ordinal++) {
                        boolean live = current.isLive(ordinal);
                        if (ordinal < restored) {
                            if (!live) {
                                remove(index, ordinal);
                            }
                        } else if (live) {
                            add(index, current, ordinal);
                        }
                    }
                    builtUpTo = ordinal;
                    if (ordinal >= buildEnd) {
                        building = null;
                        progress = 1.0;
                        view = new View<>(IndexStatus.READY, index, factory, null);
                        LOG.info("Collection '{}': {} is ready ({} entries)", collection.label, label(), size(index));
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                progress = (double) ordinal / buildEnd;
            }
        } catch (Throwable t) {
            LOG.warn("Collection '{}': building {} failed", collection.label, label(), t);
            fail(gen, "building " + label() + " failed: " + cause(t) + fallbackNote());
            closeQuietly(index);
        }
    }

    /** Feeds a published group of batches to the index being built or serving (under the publish lock). */
    void onPublish(List<Batch> batches) {
        I target = building != null ? building : (view.status() == IndexStatus.READY ? view.index() : null);
        if (target == null) {
            return;
        }
        boolean isBuilding = target == building;
        Snapshot published = collection.snapshot();
        try {
            for (Batch b : batches) {
                for (int i = 0; i < b.addCount; i++) {
                    addPublished(target, published, b, i);
                }
                for (int i = 0; i < b.removeCount; i++) {
                    int o = b.removeOrdinals[i];
                    if (isBuilding && o >= builtUpTo && o < buildEnd) {
                        continue; // not reached by the build yet; it will find the ordinal dead
                    }
                    remove(target, o);
                }
            }
        } catch (Throwable t) {
            LOG.warn("Collection '{}': {} failed to apply a write; it is dropped", collection.label, label(), t);
            generation++;
            building = null;
            progress = 1.0;
            mayResume = false; // it missed a write: never reload what it persisted before
            view = new View<>(IndexStatus.DEGRADED, null, null, label() + " failed: " + cause(t) + fallbackNote());
            if (!isBuilding) {
                closeQuietly(target); // an index still building is closed by its build task
            }
        }
    }

    /** The factory left: persist and close its index. Returns whether it was in use here. */
    boolean detach(F factory) {
        I toClose = null;
        int covered = 0;
        lock.lock();
        try {
            View<F, I> v = view;
            if (v.factory() != factory) {
                return false;
            }
            generation++;
            if (v.status() == IndexStatus.READY) {
                toClose = v.index();
                covered = collection.snapshot().maxOrdinal;
            }
            // an index still building is closed by its build task when it sees the new generation
            building = null;
            progress = 1.0;
            view = new View<>(IndexStatus.DEGRADED, null, null, absentMessage());
        } finally {
            lock.unlock();
        }
        // it gets no more writes: its state is exactly the published range
        persistAndClose(toClose, covered);
        return true;
    }

    /**
     * Closes the slot for good; when {@code persist}, a READY index is persisted first so that the next open of the
     * collection resumes from it.
     */
    void close(boolean persist) {
        I toClose = null;
        int covered = 0;
        lock.lock();
        try {
            closed = true;
            generation++;
            if (view.status() == IndexStatus.READY) {
                toClose = view.index();
                covered = collection.snapshot().maxOrdinal;
            }
            building = null;
        } finally {
            lock.unlock();
        }
        if (persist) {
            persistAndClose(toClose, covered);
        } else {
            closeQuietly(toClose);
        }
    }

    private void persistAndClose(I index, int covered) {
        if (index == null) {
            return;
        }
        try {
            persist(index, covered);
        } catch (Throwable t) {
            LOG.warn("Collection '{}': persisting {} failed; it will be rebuilt", collection.label, label(), t);
        }
        closeQuietly(index);
    }

    /**
     * Why the plugin failed, in words a client may read (the exception itself goes to the log only); a failure of the
     * disk marks the slot for a {@link #retryDue retry} once the disk takes writes again.
     */
    private String cause(Throwable t) {
        if (StorageErrors.isStorageFailure(t)) {
            storageFailed = true;
            return StorageErrors.describe(StorageErrors.reason(t), collection.directory.getParent())
                    + " (retried once the disk takes writes)";
        }
        return "an unexpected error in the plugin (see the server log)";
    }

    /**
     * Whether the slot failed because of the disk and may be built again now: its directory takes writes again and
     * the back-off since the last attempt (5 s, doubling up to 5 minutes) has passed.
     */
    boolean retryDue(long nowNanos) {
        return storageFailed && view.factory() == null && nowNanos - retryAfterNanos >= 0;
    }

    /** A retry of a slot that failed because of the disk starts now; the next one waits twice as long. */
    void retrying(long nowNanos) {
        storageFailed = false;
        retryBackoffSeconds = Math.min(MAX_RETRY_BACKOFF_SECONDS, Math.max(5, retryBackoffSeconds * 2));
        retryAfterNanos = nowNanos + retryBackoffSeconds * 1_000_000_000L;
    }

    private void fail(long gen, String message) {
        lock.lock();
        try {
            if (gen != generation) {
                return;
            }
            generation++;
            building = null;
            progress = 1.0;
            mayResume = false;
            view = new View<>(IndexStatus.DEGRADED, null, null, message);
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly(I index) {
        if (index != null) {
            try {
                closeIndex(index);
            } catch (Throwable t) {
                LOG.debug("closing {} failed", label(), t);
            }
        }
    }

    private static void clearDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            FileUtil.deleteRecursively(dir);
        }
    }
}
