package dev.caracal.vector.store.internal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The store's effective settings, resolved from its configuration (or built directly by tests and benchmarks).
 *
 * @param dataDirectory  where collections live, one sub-directory each
 * @param searchThreads  threads an exact scan may use (the calling thread included)
 * @param maxK           the largest {@code k} a search may ask for
 * @param maxBatchSize   the most records one upsert or delete may carry
 * @param maxIdLength    the longest record id, in characters
 * @param cacheSizeMb    MVStore page cache per collection, in MB
 * @param buildThreads   threads that build index plugins in the background
 */
public record StoreSettings(
        Path dataDirectory,
        int searchThreads,
        int maxK,
        int maxBatchSize,
        int maxIdLength,
        int cacheSizeMb,
        int buildThreads) {
    public StoreSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        searchThreads = searchThreads <= 0 ? Runtime.getRuntime().availableProcessors() : searchThreads;
        maxK = maxK <= 0 ? 10_000 : maxK;
        maxBatchSize = maxBatchSize <= 0 ? 10_000 : maxBatchSize;
        maxIdLength = maxIdLength <= 0 ? 512 : maxIdLength;
        cacheSizeMb = cacheSizeMb <= 0 ? 16 : cacheSizeMb;
        buildThreads = buildThreads <= 0 ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2) : buildThreads;
    }

    /** Defaults for everything but the directory. */
    public static StoreSettings defaults(Path dataDirectory) {
        return new StoreSettings(dataDirectory, 0, 0, 0, 0, 0, 0);
    }

    /** Resolves a configured directory: empty means {@code ${karaf.data}/caracal/vector}; {@code ${karaf.data}} is expanded. */
    static Path resolveDataDirectory(String configured) {
        String karafData = System.getProperty("karaf.data", "./data");
        String dir = configured == null || configured.isBlank() ? "${karaf.data}/caracal/vector" : configured.trim();
        return Path.of(dir.replace("${karaf.data}", karafData)).toAbsolutePath().normalize();
    }
}
