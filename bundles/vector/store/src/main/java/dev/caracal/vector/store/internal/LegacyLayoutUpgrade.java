package dev.caracal.vector.store.internal;

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
 * Moves the collections of a data directory written before collections belonged to tenants
 * ({@code collections/<name>/records.mv.db}) into the default tenant ({@code collections/default/<name>/}), at start,
 * before any collection is opened. A collection's directory moves whole: its records, vectors and the files its index
 * and text-index plugins persisted travel with it, untouched, and are resumed from where they were.
 *
 * <h2>Crash safety</h2>
 * Each collection moves by one atomic rename within the data directory, then the directory it entered and the one it
 * left are synced: a crash leaves it at its old place or at its new one, and the next start moves those still at the
 * old place (running this again is harmless: what has moved is no longer at the old place). The one exception is a
 * collection named like the default tenant: {@code collections/default} cannot be renamed into itself, so it moves in
 * two renames through {@link #STAGING} (a name no collection or tenant can have, which the leftover cleanup leaves
 * alone), and a move that stopped there is finished first at the next start.
 *
 * <p>A collection that cannot be moved (the data directory does not take writes, a rename fails) stays where it is
 * and is served from there as a collection of the default tenant; the next start tries again. One whose new place is
 * taken already is left where it is, not served, and logged (only a hand-made copy can cause that).
 */
final class LegacyLayoutUpgrade {
    /** Where the collection named {@code default} waits between its two renames. */
    static final String STAGING = ".upgrade-" + VectorStore.DEFAULT_TENANT;

    private static final Logger LOG = LoggerFactory.getLogger(LegacyLayoutUpgrade.class);

    /** A collection of the default tenant that stays, for now, outside the default tenant's folder. */
    record Unmoved(String name, Path directory) {}

    private final Path root;
    private final FileLayer layer;
    private final Path tenantDirectory;
    private final Path staging;

    /** @param root the {@code collections} directory */
    LegacyLayoutUpgrade(Path root, FileLayer layer) {
        this.root = root;
        this.layer = layer;
        this.tenantDirectory = root.resolve(VectorStore.DEFAULT_TENANT);
        this.staging = root.resolve(STAGING);
    }

    /** Whether {@code dir} is a collection at its place before tenants: a folder of the root with a store file. */
    static boolean isLegacyCollection(Path dir) {
        return Files.isDirectory(dir)
                && Requests.isCollectionName(dir.getFileName().toString())
                && StoredCollection.looksLikeCollection(dir);
    }

    /**
     * Moves every collection at its old place into the default tenant's folder when {@code writable}; returns those
     * that stay where they are (all of them when not {@code writable}), to be served from there.
     */
    List<Unmoved> run(boolean writable) throws IOException {
        List<Unmoved> unmoved = new ArrayList<>();
        Path defaultTarget = tenantDirectory.resolve(VectorStore.DEFAULT_TENANT);
        if (Files.isDirectory(staging) && StoredCollection.looksLikeCollection(staging)) {
            // a move of the collection named 'default' stopped between its two renames
            if (isLegacyCollection(tenantDirectory)) {
                conflict(VectorStore.DEFAULT_TENANT, staging, tenantDirectory);
            } else {
                keepIfUnmoved(unmoved, place(VectorStore.DEFAULT_TENANT, staging, defaultTarget, writable));
            }
        }
        if (isLegacyCollection(tenantDirectory) && !Files.exists(staging)) {
            Path at = tenantDirectory;
            if (writable && stage()) {
                at = place(VectorStore.DEFAULT_TENANT, staging, defaultTarget, true);
            }
            keepIfUnmoved(unmoved, at);
        }
        // while collections/default is still a collection, the tenant's folder cannot exist: the others wait
        boolean tenantFolderReady = !isLegacyCollection(tenantDirectory);
        for (Path dir : legacyCollections()) {
            String name = dir.getFileName().toString();
            keepIfUnmoved(unmoved, place(name, dir, tenantDirectory.resolve(name), writable && tenantFolderReady));
        }
        if (!unmoved.isEmpty()) {
            LOG.warn(
                    "{} collections of the default tenant stay where they were before tenants ({}) until a start on a"
                            + " writable data directory moves them",
                    unmoved.size(),
                    root);
        }
        return unmoved;
    }

    /** Adds the collection at {@code at} unless it is in the default tenant's folder or not served ({@code null}). */
    private void keepIfUnmoved(List<Unmoved> unmoved, Path at) {
        if (at != null && !at.getParent().equals(tenantDirectory)) {
            String name = at.equals(staging)
                    ? VectorStore.DEFAULT_TENANT
                    : at.getFileName().toString();
            unmoved.add(new Unmoved(name, at));
        }
    }

    /** The collections at their old place, but for the one named like the default tenant. */
    private List<Path> legacyCollections() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                if (!dir.equals(tenantDirectory) && isLegacyCollection(dir)) {
                    out.add(dir);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Moves the collection at {@code from} to {@code to} when {@code writable}; returns where it is then: {@code to},
     * {@code from} (not writable, or the move failed), or {@code null} when {@code to} is taken (it is not served).
     */
    private Path place(String name, Path from, Path to, boolean writable) {
        if (Files.exists(to)) {
            conflict(name, from, to);
            return null;
        }
        if (!writable) {
            return from;
        }
        return move(name, from, to) ? to : from;
    }

    private static void conflict(String name, Path at, Path taken) {
        LOG.error(
                "Collection '{}' is both at {} and at {}; the first is left as it is and not served: move one of them"
                        + " out of the data directory",
                name,
                at,
                taken);
    }

    /** The first of the two renames of the collection named like the default tenant; false if it failed. */
    private boolean stage() {
        try {
            layer.rename(tenantDirectory, staging);
            FileUtil.syncDirectory(root);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "Collection 'default' could not be moved into the default tenant's folder; it is served from {}"
                            + " and moved at the next start",
                    tenantDirectory,
                    e);
            return false;
        }
    }

    /** Renames a collection's directory into the default tenant's folder (created if needed); false if it failed. */
    private boolean move(String name, Path from, Path to) {
        try {
            if (!Files.isDirectory(tenantDirectory)) {
                Files.createDirectories(tenantDirectory);
                FileUtil.syncDirectory(root);
            }
            layer.rename(from, to);
            FileUtil.syncDirectory(tenantDirectory);
            FileUtil.syncDirectory(root);
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "Collection '{}' could not be moved into the default tenant's folder {}; it is served from {} and"
                            + " moved at the next start",
                    name,
                    tenantDirectory,
                    from,
                    e);
            return false;
        }
        LOG.info("Moved collection '{}' into the default tenant's folder: {}", name, to);
        return true;
    }
}
