package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorStore;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collections' side on disk, for one start of the store: what is found at start ({@link CollectionLayout}),
 * opening a collection's files (for reading only when its directory does not take writes), writing a new collection
 * into its tenant's folder, removing a dropped one, and whether the data directory takes new files. Callers serialize
 * creates and drops (the registry's lock).
 */
final class CollectionStorage {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionStorage.class);

    private final CollectionLayout layout;
    private final FileLayer layer;
    private final int cacheSizeMb;
    private final Executor buildPool;
    private final Executor syncPool;
    /** Why the data directory does not take new files (found at start, on create, or by the probe), or null. */
    private volatile Throwable directoryFailure;

    CollectionStorage(Path dataDirectory, int cacheSizeMb, Executor buildPool, Executor syncPool, FileLayer layer) {
        this.layout = new CollectionLayout(dataDirectory, layer);
        this.layer = layer;
        this.cacheSizeMb = cacheSizeMb;
        this.buildPool = buildPool;
        this.syncPool = syncPool;
    }

    /** The {@code collections} directory. */
    Path root() {
        return layout.root();
    }

    /** Why the data directory does not take new files, or {@code null}. */
    Throwable directoryFailure() {
        return directoryFailure;
    }

    /**
     * At start: creates the collections directory if needed and finds whether it takes writes (when it does not, the
     * store starts all the same: what is stored can be read; creates and writes are refused, and health says why).
     */
    void checkDirectory() {
        try {
            Files.createDirectories(root());
            layer.probeWritable(root());
            directoryFailure = null;
        } catch (IOException e) {
            directoryFailure = e;
            LOG.error(
                    "{}: collections cannot be created or written until it is fixed",
                    StorageErrors.describe(StorageErrors.reason(e), root()),
                    e);
        }
    }

    /** The probe: when the data directory did not take new files, whether it does now. Never throws. */
    void probeDirectory() {
        if (directoryFailure == null) {
            return;
        }
        try {
            Files.createDirectories(root());
            layer.probeWritable(root());
            directoryFailure = null;
            LOG.info("The vector data directory {} is writable again", root());
        } catch (IOException | RuntimeException e) {
            directoryFailure = e;
        }
    }

    /** Whether a collection's directory takes writes now. */
    boolean writable(Path directory) {
        try {
            layer.probeWritable(directory);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Every collection on disk (after moving those from before tenants, when the directory takes writes). */
    List<CollectionLayout.Found> scan() {
        if (!Files.isDirectory(root())) {
            return List.of();
        }
        try {
            return layout.scan(directoryFailure == null);
        } catch (IOException e) {
            throw new VectorException("cannot list " + root() + ": " + e, e);
        }
    }

    /** Whether something already occupies the place of collection {@code name} of {@code tenant}. */
    boolean exists(String tenant, String name) {
        return Files.exists(layout.tenantDirectory(tenant).resolve(name));
    }

    /**
     * Opens a collection's files for writing when the data directory takes writes and they can be, otherwise for
     * reading only (it then refuses writes until the probe or a write finds its directory writable).
     */
    StoredCollection open(String tenant, Path dir) {
        if (directoryFailure == null) {
            try {
                return StoredCollection.open(layer, tenant, dir, cacheSizeMb, buildPool, syncPool, true);
            } catch (RuntimeException e) {
                if (!StorageErrors.isStorageFailure(e)) {
                    throw e;
                }
                LOG.warn(
                        "Collection '{}' cannot be opened for writing ({}); it is served for reading only until its"
                                + " directory takes writes",
                        CollectionKey.label(tenant, dir.getFileName().toString()),
                        e.toString());
            }
        }
        return StoredCollection.open(layer, tenant, dir, cacheSizeMb, buildPool, syncPool, false);
    }

    /**
     * Writes a new, empty collection into its tenant's folder (created if needed) and opens it. It appears complete
     * or not at all: it is written into a dot-folder beside its place, renamed into place, and the folder synced.
     */
    StoredCollection create(String tenant, CollectionSpec spec) {
        String name = spec.name();
        String what = "creating collection '" + name + "'";
        try {
            layer.probeWritable(root());
            directoryFailure = null;
        } catch (IOException e) {
            directoryFailure = e;
            throw StorageErrors.directoryRefused(what, e, root());
        }
        if (layout.tenantDirectoryIsLegacyCollection(tenant)) {
            throw new VectorException("collections cannot be created in tenant '" + VectorStore.DEFAULT_TENANT
                    + "' until the store restarts: its folder " + layout.tenantDirectory(tenant) + " still holds the"
                    + " collection 'default' from before tenants, which a start moves into it");
        }
        Path folder = layout.tenantDirectory(tenant);
        try {
            layout.ensureTenantDirectory(tenant);
            layer.probeWritable(folder);
        } catch (IOException e) {
            throw StorageErrors.directoryRefused(what, e, folder);
        }
        Path dir = folder.resolve(name);
        Path tmp = folder.resolve(".creating-" + name + "-" + System.nanoTime());
        try {
            Files.createDirectories(tmp);
            StoredCollection.initialize(layer, tmp, spec, Instant.now());
            // a crash before this rename leaves a dot-directory, removed at the next start
            layer.rename(tmp, dir);
            FileUtil.syncDirectory(folder);
            return StoredCollection.open(layer, tenant, dir, cacheSizeMb, buildPool, syncPool, true);
        } catch (IOException | RuntimeException e) {
            try {
                FileUtil.deleteRecursively(tmp);
            } catch (IOException ignored) {
                // removed at the next start
            }
            if (StorageErrors.isStorageFailure(e)) {
                throw StorageErrors.directoryRefused(what, e, folder);
            }
            throw new VectorException(what + " failed: " + e, e);
        }
    }

    /**
     * Removes a (closed) collection's directory: renamed atomically to a dot-folder beside it, so that after a crash
     * the collection is either whole or a leftover removed at start, then deleted. Throws when the rename fails (the
     * collection is then still whole in its place).
     */
    void remove(Path dir, String label) throws IOException {
        Path grave = dir.resolveSibling(".dropped-" + dir.getFileName() + "-" + System.nanoTime());
        layer.rename(dir, grave);
        FileUtil.syncDirectory(dir.getParent());
        try {
            FileUtil.deleteRecursively(grave);
        } catch (IOException e) {
            LOG.warn("Could not delete {} of collection '{}' now; it is removed at the next start", grave, label, e);
        }
    }

    /** Removes the folder of {@code tenant} when it holds nothing any more. */
    void removeTenantDirectoryIfEmpty(String tenant) {
        Path folder = layout.tenantDirectory(tenant);
        try {
            if (Files.deleteIfExists(folder)) {
                FileUtil.syncDirectory(root());
            }
        } catch (DirectoryNotEmptyException e) {
            LOG.warn(
                    "The folder of tenant '{}' ({}) holds files that are not collections; they are left there",
                    tenant,
                    folder);
        } catch (IOException e) {
            LOG.warn("Could not remove the folder of tenant '{}' ({}): {}", tenant, folder, e.toString());
        }
    }
}
