package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.text.TextIndexFactory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's collections, by name: the one place a collection is found, created, dropped or has its index changed.
 * Each lives in its own directory under {@code <data directory>/collections}; those found at start are opened, and
 * those that cannot be opened are kept aside as broken (reported by the health check, never touched on disk). On a
 * data directory that does not take writes, collections are opened read-only: they serve reads, refuse writes with a
 * storage failure, and are reopened for writing by the periodic {@link #probe} once the directory takes writes.
 *
 * <p>One lock serializes every change to the set of collections with the arrival and departure of index and text
 * plugins, which this registry fans out to every open collection (the {@link PluginRegistry} attaches them one
 * collection at a time). Lookups ({@link #require}) take no lock.
 */
final class CollectionRegistry {
    static final String COLLECTIONS_DIR = "collections";
    private static final Logger LOG = LoggerFactory.getLogger(CollectionRegistry.class);

    private final PluginRegistry plugins;
    private final SpecResolver specs;
    private final Map<String, StoredCollection> collections = new ConcurrentHashMap<>();
    /** Collections found on disk that cannot be opened, with the reason. */
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    /** Serializes open, close, create, drop, index changes and plugin arrivals and departures. */
    private final Object lock = new Object();

    private volatile boolean open;
    /** Why the data directory does not take new files (found at start, on create, or by the probe), or null. */
    private volatile Throwable directoryFailure;

    private FileLayer layer = FileLayer.DISK;
    private Path directory;
    private int cacheSizeMb;
    private Executor buildPool;
    private Executor syncPool;

    CollectionRegistry(PluginRegistry plugins, SpecResolver specs) {
        this.plugins = plugins;
        this.specs = specs;
    }

    /**
     * Opens every collection under {@code <dataDirectory>/collections} (removing the leftovers of an interrupted
     * create or drop) and attaches the plugins bound so far.
     */
    void open(Path dataDirectory, int cacheSizeMb, Executor buildPool, Executor syncPool, FileLayer layer) {
        synchronized (lock) {
            this.directory = dataDirectory.resolve(COLLECTIONS_DIR);
            this.cacheSizeMb = cacheSizeMb;
            this.buildPool = buildPool;
            this.syncPool = syncPool;
            this.layer = layer;
            try {
                Files.createDirectories(directory);
                layer.probeWritable(directory);
                directoryFailure = null;
            } catch (IOException e) {
                // start anyway: what is stored can be read; creates and writes are refused, and health says why
                directoryFailure = e;
                LOG.error(
                        "{}: collections cannot be created or written until it is fixed",
                        StorageErrors.describe(StorageErrors.reason(e), directory),
                        e);
            }
            if (Files.isDirectory(directory)) {
                openCollections();
            }
            open = true;
            for (StoredCollection c : collections.values()) {
                plugins.attachIndex(c);
                plugins.attachText(c);
            }
        }
    }

    /** Commits and closes every collection; the registry refuses requests until opened again. */
    void close() {
        synchronized (lock) {
            open = false;
            for (StoredCollection c : collections.values()) {
                c.close();
            }
            collections.clear();
            broken.clear();
        }
    }

    /**
     * Retries what a storage failure stopped: the data directory is probed again if it was not writable, and every
     * collection refusing writes tries to take them again. Run every few seconds by the store; never throws.
     */
    void probe() {
        if (!open) {
            return;
        }
        if (directoryFailure != null) {
            try {
                Files.createDirectories(directory);
                layer.probeWritable(directory);
                directoryFailure = null;
                LOG.info("The vector data directory {} is writable again", directory);
            } catch (IOException | RuntimeException e) {
                directoryFailure = e;
            }
        }
        for (StoredCollection c : collections.values()) {
            if (c.failure() != null) {
                c.tryRecover();
            }
        }
        retryPluginsFailedByDisk();
    }

    /**
     * Builds again the indexes of collections that take writes again whose plugin failed because of the disk (a
     * keyword index writes its segments as records arrive; any index persists when it leaves).
     */
    private void retryPluginsFailedByDisk() {
        long now = System.nanoTime();
        synchronized (lock) {
            if (!open) {
                return;
            }
            for (StoredCollection c : collections.values()) {
                if (c.failure() != null) {
                    continue;
                }
                if (c.index.retryDue(now) && writable(c)) {
                    c.index.retrying(now);
                    LOG.info("Collection '{}': building {} again after a disk failure", c.name, c.index.label());
                    plugins.attachIndex(c);
                }
                if (c.text.retryDue(now) && writable(c)) {
                    c.text.retrying(now);
                    LOG.info("Collection '{}': building {} again after a disk failure", c.name, c.text.label());
                    plugins.attachText(c);
                }
            }
        }
    }

    private boolean writable(StoredCollection c) {
        try {
            layer.probeWritable(c.directory);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Why the data directory does not take new files, or {@code null}. */
    Throwable directoryFailure() {
        return directoryFailure;
    }

    /** The collections' directory (for messages). */
    Path directory() {
        return directory;
    }

    private void openCollections() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(directory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.startsWith(".")) {
                    // a create or a drop that did not finish: never a valid collection
                    removeLeftover(dir);
                    continue;
                }
                if (!Files.isDirectory(dir)
                        || !Requests.isCollectionName(name)
                        || !StoredCollection.looksLikeCollection(dir)) {
                    LOG.warn("Ignoring {}: not a collection", dir);
                    continue;
                }
                try {
                    long t0 = System.nanoTime();
                    StoredCollection c = openCollection(dir, directoryFailure == null);
                    collections.put(name, c);
                    LOG.info(
                            "Opened collection '{}'{}: {} records in {} ms",
                            name,
                            c.failure() == null ? "" : " for reading only",
                            c.count(),
                            (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException e) {
                    LOG.error("Collection '{}' cannot be opened; it is left as it is on disk", name, e);
                    broken.put(name, e.toString());
                }
            }
        } catch (IOException e) {
            throw new VectorException("cannot list " + directory + ": " + e, e);
        }
    }

    private void removeLeftover(Path dir) {
        LOG.info("Removing the leftover of an interrupted create or drop: {}", dir);
        try {
            FileUtil.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("Could not remove {} ({}); it is removed at a later start", dir, e.toString());
        }
    }

    /**
     * Opens a collection's files for writing when {@code writable} and they can be, otherwise for reading only (it
     * then refuses writes until the probe or a write finds its directory writable).
     */
    private StoredCollection openCollection(Path dir, boolean writable) {
        if (writable) {
            try {
                return StoredCollection.open(layer, dir, cacheSizeMb, buildPool, syncPool, true);
            } catch (RuntimeException e) {
                if (!StorageErrors.isStorageFailure(e)) {
                    throw e;
                }
                LOG.warn(
                        "Collection '{}' cannot be opened for writing ({}); it is served for reading only until its"
                                + " directory takes writes",
                        dir.getFileName(),
                        e.toString());
            }
        }
        return StoredCollection.open(layer, dir, cacheSizeMb, buildPool, syncPool, false);
    }

    // ---- lookups

    boolean isOpen() {
        return open;
    }

    void checkOpen() {
        if (!open) {
            throw new VectorException("the vector store is not active");
        }
    }

    /** The open collection named {@code name}; a missing one is a {@link CollectionNotFoundException}. */
    StoredCollection require(String name) {
        checkOpen();
        if (name == null) {
            throw new InvalidRequestException("collection", "a collection name is required");
        }
        StoredCollection c = collections.get(name);
        if (c == null) {
            throw new CollectionNotFoundException(name);
        }
        return c;
    }

    /** The open collection named {@code name}, or {@code null} (tests). */
    StoredCollection get(String name) {
        return collections.get(name);
    }

    /** The open collections, ordered by name. */
    Collection<StoredCollection> inNameOrder() {
        return new TreeMap<>(collections).values();
    }

    /** The collections that could not be opened, with the reason. */
    Map<String, String> broken() {
        return Collections.unmodifiableMap(broken);
    }

    int size() {
        return collections.size();
    }

    List<CollectionInfo> list() {
        checkOpen();
        return inNameOrder().stream().map(CollectionRegistry::info).toList();
    }

    CollectionInfo describe(String name) {
        return info(require(name));
    }

    private static CollectionInfo info(StoredCollection c) {
        IndexSlot slot = c.index;
        IndexState state = slot.state();
        CollectionSpec spec = c.spec;
        if (!spec.index().equals(slot.spec())) {
            // read between the two volatile writes of a swap: describe the slot that was read
            spec = new CollectionSpec(spec.name(), spec.dimension(), spec.metric(), spec.embeddingModel(), slot.spec());
        }
        return new CollectionInfo(spec, c.count(), state, c.createdAt, c.text.state());
    }

    // ---- create and drop

    CollectionInfo create(CollectionSpec requested) {
        checkOpen();
        CollectionSpec spec = specs.resolve(requested);
        String name = spec.name();
        synchronized (lock) {
            checkOpen();
            Path dir = directory.resolve(name);
            if (collections.containsKey(name) || broken.containsKey(name) || Files.exists(dir)) {
                throw new CollectionExistsException(name);
            }
            String what = "creating collection '" + name + "'";
            try {
                layer.probeWritable(directory);
                directoryFailure = null;
            } catch (IOException e) {
                directoryFailure = e;
                throw StorageErrors.directoryRefused(what, e, directory);
            }
            Path tmp = directory.resolve(".creating-" + name + "-" + System.nanoTime());
            StoredCollection c;
            try {
                Files.createDirectories(tmp);
                StoredCollection.initialize(layer, tmp, spec, Instant.now());
                // the collection appears complete or not at all: a crash before this rename leaves a dot-directory
                layer.rename(tmp, dir);
                FileUtil.syncDirectory(directory);
                c = StoredCollection.open(layer, dir, cacheSizeMb, buildPool, syncPool, true);
            } catch (IOException | RuntimeException e) {
                try {
                    FileUtil.deleteRecursively(tmp);
                } catch (IOException ignored) {
                    // removed at the next start
                }
                if (StorageErrors.isStorageFailure(e)) {
                    throw StorageErrors.directoryRefused(what, e, directory);
                }
                throw new VectorException("creating collection '" + name + "' failed: " + e, e);
            }
            collections.put(name, c);
            plugins.attachIndex(c);
            plugins.attachText(c);
            LOG.info(
                    "Created collection '{}' ({} dimensions, {}, index {})",
                    name,
                    spec.dimension(),
                    spec.metric().id(),
                    spec.index().type());
            return info(c);
        }
    }

    /** Drops a collection, open or broken; returns whether it existed. */
    boolean drop(String name) {
        checkOpen();
        if (!Requests.isCollectionName(name)) {
            return false;
        }
        synchronized (lock) {
            StoredCollection c = collections.remove(name);
            if (c == null && broken.remove(name) == null) {
                return false;
            }
            if (c != null) {
                c.close();
            }
            Path dir = directory.resolve(name);
            Path grave = directory.resolve(".dropped-" + name + "-" + System.nanoTime());
            try {
                // atomic: after a crash the collection is either whole or a dot-directory removed at start
                layer.rename(dir, grave);
                FileUtil.syncDirectory(directory);
            } catch (IOException e) {
                LOG.error("Dropping collection '{}' failed; reopening it", name, e);
                try {
                    StoredCollection reopened = openCollection(dir, true);
                    collections.put(name, reopened);
                    plugins.attachIndex(reopened);
                    plugins.attachText(reopened);
                } catch (RuntimeException reopenFailure) {
                    broken.put(name, reopenFailure.toString());
                }
                throw StorageErrors.directoryRefused("dropping collection '" + name + "'", e, directory);
            }
            try {
                FileUtil.deleteRecursively(grave);
            } catch (IOException e) {
                LOG.warn("Could not delete {} now; it is removed at the next start", grave, e);
            }
            LOG.info("Dropped collection '{}'", name);
            return true;
        }
    }

    // ---- index changes

    CollectionInfo changeIndex(String name, IndexSpec index) {
        checkOpen();
        if (index == null) {
            throw new InvalidRequestException("index", "an index spec is required");
        }
        synchronized (lock) {
            StoredCollection c = require(name);
            IndexSpec resolved = specs.resolveIndex(index, c.spec.metric());
            IndexSpec current = c.index.spec();
            if (SpecResolver.sameIndex(current, resolved)) {
                return info(c);
            }
            VectorIndexFactory f = plugins.factoryFor(resolved);
            c.replaceIndex(resolved, f, true);
            LOG.info(
                    "Collection '{}': index changed from {} to {}{}",
                    c.name,
                    current.type(),
                    resolved.type(),
                    f == null ? "" : "; building it in the background");
            return info(c);
        }
    }

    CollectionInfo rebuildIndex(String name) {
        checkOpen();
        synchronized (lock) {
            StoredCollection c = require(name);
            IndexSlot slot = c.index;
            if (slot.isFlat()) {
                return info(c);
            }
            VectorIndexFactory f = plugins.factoryFor(slot.spec());
            if (f == null) {
                return info(c); // DEGRADED: rebuilt when a plugin of its type arrives
            }
            c.replaceIndex(slot.spec(), f, false);
            LOG.info("Collection '{}': rebuilding its {} index in the background", c.name, slot.type());
            return info(c);
        }
    }

    // ---- plugins arriving and leaving

    void indexFactoryArrived(VectorIndexFactory factory, String type) {
        synchronized (lock) {
            plugins.addIndexFactory(factory, type);
            if (open) {
                for (StoredCollection c : collections.values()) {
                    plugins.attachIndex(c);
                }
            }
        }
    }

    void indexFactoryLeft(VectorIndexFactory factory) {
        synchronized (lock) {
            String type = plugins.removeIndexFactory(factory);
            if (type == null) {
                return;
            }
            for (StoredCollection c : collections.values()) {
                plugins.detachIndex(c, factory, type);
            }
        }
    }

    void textFactoryArrived(TextIndexFactory factory) {
        synchronized (lock) {
            plugins.addTextFactory(factory);
            if (open) {
                for (StoredCollection c : collections.values()) {
                    plugins.attachText(c);
                }
            }
        }
    }

    void textFactoryLeft(TextIndexFactory factory) {
        synchronized (lock) {
            if (!plugins.removeTextFactory(factory)) {
                return;
            }
            for (StoredCollection c : collections.values()) {
                plugins.detachText(c, factory);
            }
        }
    }
}
