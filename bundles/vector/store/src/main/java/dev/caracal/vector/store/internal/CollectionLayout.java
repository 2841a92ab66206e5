package dev.caracal.vector.store.internal;

import dev.caracal.vector.TenantNames;
import dev.caracal.vector.VectorStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where collections live on disk: {@code <data directory>/collections/<tenant>/<name>/}, one folder per tenant that
 * has collections, one per collection inside it. A create or drop in progress is a dot-folder beside the collection
 * ({@code .creating-...}, {@code .dropped-...}), which a start removes. At start, {@link #scan} first moves the
 * collections of a data directory written before tenants into the default tenant ({@link LegacyLayoutUpgrade}).
 */
final class CollectionLayout {
    static final String COLLECTIONS_DIR = "collections";
    private static final Logger LOG = LoggerFactory.getLogger(CollectionLayout.class);

    /** A collection found at start, and the directory it is served from. */
    record Found(CollectionKey key, Path directory) {}

    private final Path root;
    private final FileLayer layer;

    CollectionLayout(Path dataDirectory, FileLayer layer) {
        this.root = dataDirectory.resolve(COLLECTIONS_DIR);
        this.layer = layer;
    }

    /** The {@code collections} directory. */
    Path root() {
        return root;
    }

    /** The folder of {@code tenant}'s collections (which may not exist yet). */
    Path tenantDirectory(String tenant) {
        return root.resolve(tenant);
    }

    /** The folder of {@code tenant}'s collections, created (and made durable) if it did not exist. */
    Path ensureTenantDirectory(String tenant) throws IOException {
        Path dir = tenantDirectory(tenant);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            FileUtil.syncDirectory(root);
        }
        return dir;
    }

    /**
     * Whether the folder of {@code tenant} is still the collection named like it from before tenants (the default
     * tenant's folder, while a start on a read-only directory could not move that collection): nothing may be
     * created in it until a start moves it.
     */
    boolean tenantDirectoryIsLegacyCollection(String tenant) {
        return LegacyLayoutUpgrade.isLegacyCollection(tenantDirectory(tenant));
    }

    /**
     * Every collection under the root: first those of a data directory written before tenants are moved into the
     * default tenant (when {@code writable}; those that stay where they are are found there), then the leftovers of
     * an interrupted create or drop are removed, then each tenant's folder is listed.
     */
    List<Found> scan(boolean writable) throws IOException {
        List<Found> found = new ArrayList<>();
        for (LegacyLayoutUpgrade.Unmoved u : new LegacyLayoutUpgrade(root, layer).run(writable)) {
            found.add(new Found(new CollectionKey(VectorStore.DEFAULT_TENANT, u.name()), u.directory()));
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.equals(LegacyLayoutUpgrade.STAGING)) {
                    continue; // the upgrade's, found above when it holds a collection
                }
                if (name.startsWith(".")) {
                    removeLeftover(entry);
                } else if (LegacyLayoutUpgrade.isLegacyCollection(entry)) {
                    continue; // not moved (yet): found above, or left alone and logged by the upgrade
                } else if (Files.isDirectory(entry) && TenantNames.isValid(name)) {
                    scanTenant(name, entry, found);
                } else {
                    LOG.warn("Ignoring {}: neither a tenant's folder of collections nor a collection", entry);
                }
            }
        }
        found.sort((a, b) -> a.key().compareTo(b.key()));
        return found;
    }

    private void scanTenant(String tenant, Path folder, List<Found> found) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(folder)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.startsWith(".")) {
                    // a create or a drop that did not finish, or a probe's file: never a valid collection
                    removeLeftover(dir);
                } else if (Files.isDirectory(dir)
                        && Requests.isCollectionName(name)
                        && StoredCollection.looksLikeCollection(dir)) {
                    found.add(new Found(new CollectionKey(tenant, name), dir));
                } else {
                    LOG.warn("Ignoring {}: not a collection", dir);
                }
            }
        }
    }

    private static void removeLeftover(Path dir) {
        LOG.info("Removing the leftover of an interrupted create or drop: {}", dir);
        try {
            FileUtil.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("Could not remove {} ({}); it is removed at a later start", dir, e.toString());
        }
    }
}
