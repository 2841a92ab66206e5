package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.VectorException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's collections, by tenant and name ({@link CollectionKey}): the one place a collection is found, created,
 * dropped or has its index changed. Each lives in its own directory, {@code <data directory>/collections/<tenant>/
 * <name>} ({@link CollectionLayout}; a data directory from before tenants is moved into the default tenant at
 * start); those found at start are opened, and those that cannot be opened are kept aside as broken (reported by the
 * health check, never touched on disk). On a data directory that does not take writes, collections are opened
 * read-only: they serve reads, refuse writes with a storage failure, and are reopened for writing by the periodic
 * {@link #probe} once the directory takes writes ({@link CollectionStorage} holds the files' side of all this).
 *
 * <p>One lock serializes every change to the set of collections with index changes and the arrival and departure of
 * index and text plugins ({@link IndexAssignments}). Lookups ({@link #require}) take no lock.
 */
final class CollectionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionRegistry.class);

    /** A collection found on disk that cannot be opened: where it is and why. */
    private record Broken(Path directory, String reason) {}

    private final PluginRegistry plugins;
    private final SpecResolver specs;
    private final Map<CollectionKey, StoredCollection> collections = new ConcurrentHashMap<>();
    private final Map<CollectionKey, Broken> broken = new ConcurrentHashMap<>();
    /** Serializes open, close, create, drop, index changes and plugin arrivals and departures. */
    private final Object lock = new Object();

    private volatile boolean open;
    /** The files' side of this start; replaced at each {@link #open}. */
    private volatile CollectionStorage storage;

    CollectionRegistry(PluginRegistry plugins, SpecResolver specs) {
        this.plugins = plugins;
        this.specs = specs;
    }

    /**
     * Opens every collection under {@code <dataDirectory>/collections} (moving those from before tenants into the
     * default tenant, removing the leftovers of an interrupted create or drop) and attaches the plugins bound so far.
     */
    void open(Path dataDirectory, int cacheSizeMb, Executor buildPool, Executor syncPool, FileLayer layer) {
        synchronized (lock) {
            CollectionStorage disk = new CollectionStorage(dataDirectory, cacheSizeMb, buildPool, syncPool, layer);
            storage = disk;
            disk.checkDirectory();
            for (CollectionLayout.Found found : disk.scan()) {
                CollectionKey key = found.key();
                try {
                    long t0 = System.nanoTime();
                    StoredCollection c = disk.open(key.tenant(), found.directory());
                    collections.put(key, c);
                    LOG.info(
                            "Opened collection '{}'{}: {} records in {} ms",
                            key.label(),
                            c.failure() == null ? "" : " for reading only",
                            c.count(),
                            (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException e) {
                    LOG.error("Collection '{}' cannot be opened; it is left as it is on disk", key.label(), e);
                    broken.put(key, new Broken(found.directory(), e.toString()));
                }
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
        storage.probeDirectory();
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
                if (c.index.retryDue(now) && storage.writable(c.directory)) {
                    c.index.retrying(now);
                    LOG.info("Collection '{}': building {} again after a disk failure", c.label, c.index.label());
                    plugins.attachIndex(c);
                }
                if (c.text.retryDue(now) && storage.writable(c.directory)) {
                    c.text.retrying(now);
                    LOG.info("Collection '{}': building {} again after a disk failure", c.label, c.text.label());
                    plugins.attachText(c);
                }
            }
        }
    }

    /** Why the data directory does not take new files, or {@code null}. */
    Throwable directoryFailure() {
        CollectionStorage s = storage;
        return s == null ? null : s.directoryFailure();
    }

    /** The collections' directory (for messages). */
    Path directory() {
        return storage.root();
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

    /** The open collection {@code name} of {@code tenant}; a missing one is a {@link CollectionNotFoundException}. */
    StoredCollection require(String tenant, String name) {
        checkOpen();
        if (name == null) {
            throw new InvalidRequestException("collection", "a collection name is required");
        }
        StoredCollection c = collections.get(new CollectionKey(tenant, name));
        if (c == null) {
            throw new CollectionNotFoundException(name);
        }
        return c;
    }

    /** The open collection {@code name} of {@code tenant}, or {@code null} (tests). */
    StoredCollection get(String tenant, String name) {
        return collections.get(new CollectionKey(tenant, name));
    }

    /** The open collections, ordered by tenant, then name. */
    Collection<StoredCollection> inNameOrder() {
        return new TreeMap<>(collections).values();
    }

    /** The collections that could not be opened, by label, with the reason. */
    Map<String, String> broken() {
        Map<String, String> out = new TreeMap<>();
        broken.forEach((key, b) -> out.put(key.label(), b.reason()));
        return Collections.unmodifiableMap(out);
    }

    int size() {
        return collections.size();
    }

    /** The open collections, in no order (for fanning a plugin's arrival or departure out). */
    Collection<StoredCollection> all() {
        return collections.values();
    }

    /** The lock that serializes changes to the set of collections, their indexes and the plugins serving them. */
    Object lock() {
        return lock;
    }

    /** The collections of {@code tenant}, in name order. */
    List<CollectionInfo> list(String tenant) {
        checkOpen();
        List<CollectionInfo> out = new ArrayList<>();
        for (StoredCollection c : inNameOrder()) {
            if (c.tenant.equals(tenant)) {
                out.add(info(c));
            }
        }
        return out;
    }

    /** The collections of every tenant that has open ones, by tenant in name order. */
    Map<String, List<CollectionInfo>> byTenant() {
        checkOpen();
        Map<String, List<CollectionInfo>> out = new TreeMap<>();
        for (StoredCollection c : inNameOrder()) {
            out.computeIfAbsent(c.tenant, t -> new ArrayList<>()).add(info(c));
        }
        out.replaceAll((tenant, list) -> List.copyOf(list));
        return Collections.unmodifiableMap(out);
    }

    CollectionInfo describe(String tenant, String name) {
        return info(require(tenant, name));
    }

    static CollectionInfo info(StoredCollection c) {
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

    CollectionInfo create(String tenant, CollectionSpec requested) {
        checkOpen();
        CollectionSpec spec = specs.resolve(requested);
        CollectionKey key = new CollectionKey(tenant, spec.name());
        synchronized (lock) {
            checkOpen();
            if (collections.containsKey(key) || broken.containsKey(key) || storage.exists(tenant, spec.name())) {
                throw new CollectionExistsException(spec.name());
            }
            StoredCollection c = storage.create(tenant, spec);
            collections.put(key, c);
            plugins.attachIndex(c);
            plugins.attachText(c);
            LOG.info(
                    "Created collection '{}' ({} dimensions, {}, index {})",
                    key.label(),
                    spec.dimension(),
                    spec.metric().id(),
                    spec.index().type());
            return info(c);
        }
    }

    /** Drops a collection of {@code tenant}, open or broken; returns whether it existed. */
    boolean drop(String tenant, String name) {
        checkOpen();
        if (!Requests.isCollectionName(name)) {
            return false;
        }
        CollectionKey key = new CollectionKey(tenant, name);
        synchronized (lock) {
            StoredCollection c = collections.remove(key);
            Broken b = c == null ? broken.remove(key) : null;
            if (c == null && b == null) {
                return false;
            }
            Path dir = c != null ? c.directory : b.directory();
            if (c != null) {
                c.close();
            }
            try {
                storage.remove(dir, key.label());
            } catch (IOException e) {
                LOG.error("Dropping collection '{}' failed; reopening it", key.label(), e);
                try {
                    StoredCollection reopened = storage.open(tenant, dir);
                    collections.put(key, reopened);
                    plugins.attachIndex(reopened);
                    plugins.attachText(reopened);
                } catch (RuntimeException reopenFailure) {
                    broken.put(key, new Broken(dir, reopenFailure.toString()));
                }
                throw StorageErrors.directoryRefused("dropping collection '" + name + "'", e, storage.root());
            }
            LOG.info("Dropped collection '{}'", key.label());
            return true;
        }
    }

    /** How many collections {@code tenant} has, open or broken. */
    long count(String tenant) {
        return keysOf(tenant).size();
    }

    /** Drops every collection of {@code tenant}, open or broken, and its folder; returns how many there were. */
    int dropAll(String tenant) {
        checkOpen();
        synchronized (lock) {
            int dropped = 0;
            for (CollectionKey key : keysOf(tenant)) {
                if (drop(tenant, key.name())) {
                    dropped++;
                }
            }
            storage.removeTenantDirectoryIfEmpty(tenant);
            LOG.info("Dropped the {} collections of tenant '{}'", dropped, tenant);
            return dropped;
        }
    }

    private TreeSet<CollectionKey> keysOf(String tenant) {
        TreeSet<CollectionKey> keys = new TreeSet<>();
        for (CollectionKey key : collections.keySet()) {
            if (key.tenant().equals(tenant)) {
                keys.add(key);
            }
        }
        for (CollectionKey key : broken.keySet()) {
            if (key.tenant().equals(tenant)) {
                keys.add(key);
            }
        }
        return keys;
    }
}
