package dev.caracal.vector.store.internal;

import dev.caracal.core.health.HealthCheck.Result;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.StorageFailureException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The store's health: DOWN when it is not active; DEGRADED, with every problem named, when a collection's index plugin
 * is absent or failed, its embedding model is not bound, it cannot write (disk full, read-only, failing: it retries by
 * itself), a collection cannot be opened, or the data directory does not take new files; otherwise UP. The details
 * describe every collection, named as logs name it: {@code tenant/name}, or the name alone in the default tenant. {@link
 * #ready} is the store's readiness.
 */
final class StoreHealth {
    /**
     * How long readiness waits, after the store starts, for the text-index plugin of collections that had a text index
     * (a plugin that never comes is reported, it does not hold the container out of service).
     */
    static final long TEXT_INDEX_WAIT_SECONDS = 60;

    private final CollectionRegistry collections;
    private final PluginRegistry plugins;
    private volatile LongSupplier clock = System::nanoTime;
    private volatile long startedNanos = System.nanoTime();

    StoreHealth(CollectionRegistry collections, PluginRegistry plugins) {
        this.collections = collections;
        this.plugins = plugins;
    }

    /** The store (re)started now: readiness waits for text indexes from here. */
    void started() {
        startedNanos = clock.getAsLong();
    }

    /** Replaces the clock (tests). */
    void clock(LongSupplier nanoTime) {
        this.clock = nanoTime;
    }

    /**
     * Collections whose keyword index (its folder is on disk: it had one before the restart) has no text-index plugin
     * attached yet. Right after a restart the plugin's bundle may still be starting; until it attaches, keyword search
     * would be refused although {@code /readyz} said ready.
     */
    List<String> awaitingTextIndex() {
        List<String> out = new ArrayList<>();
        for (StoredCollection c : collections.inNameOrder()) {
            if (c.text.state() == null && Files.isDirectory(c.text.directory())) {
                out.add(c.label);
            }
        }
        return out;
    }

    /** Whether the store has waited its time for text indexes. */
    private boolean textIndexWaitOver() {
        return clock.getAsLong() - startedNanos >= TimeUnit.SECONDS.toNanos(TEXT_INDEX_WAIT_SECONDS);
    }

    /** Ready: it takes writes, and every collection that had a text index has its plugin back (or the wait is over). */
    boolean ready() {
        return canWrite() && (textIndexWaitOver() || awaitingTextIndex().isEmpty());
    }

    Result check() {
        if (!collections.isOpen()) {
            return Result.down("the vector store is not active");
        }
        Map<String, Object> details = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Throwable directoryFailure = collections.directoryFailure();
        if (directoryFailure != null) {
            String why = StorageErrors.describe(StorageErrors.reason(directoryFailure), collections.directory());
            // a key no collection can have (names never start with a dot): collections are listed by name beside it
            details.put(".dataDirectory", Map.of("writable", false, "problem", why));
            problems.add(why + ": collections cannot be created");
        }
        for (StoredCollection c : collections.inNameOrder()) {
            details.put(c.label, describe(c, problems));
        }
        List<String> awaiting = awaitingTextIndex();
        if (!awaiting.isEmpty()) {
            String which = String.join(", ", awaiting);
            problems.add(
                    textIndexWaitOver()
                            ? "no text index plugin attached (feature caracal-vector-text-bm25): keyword search is "
                                    + "unavailable in " + which
                            : "waiting for the text index plugin of " + which);
        }
        collections.broken().forEach((name, error) -> {
            details.put(name, Map.of("openFailure", error));
            problems.add(name + ": cannot be opened (" + error + ")");
        });
        if (problems.isEmpty()) {
            return new Result(HealthStatus.UP, collections.size() + " collections", details);
        }
        return new Result(HealthStatus.DEGRADED, String.join("; ", problems), details);
    }

    /** One collection's details; adds its problems to {@code problems}. */
    private Map<String, Object> describe(StoredCollection c, List<String> problems) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("count", c.count());
        IndexState index = c.index.state();
        d.put("index", index.type());
        d.put("indexStatus", index.status().name());
        if (index.status() == IndexStatus.BUILDING) {
            d.put("indexProgress", Math.round(index.progress() * 1000) / 10.0); // percent
        }
        if (index.message() != null && index.status() != IndexStatus.READY) {
            d.put("indexMessage", index.message());
        }
        if (index.status() == IndexStatus.DEGRADED) {
            problems.add(c.label + ": " + index.message());
        }
        String modelName = c.spec.embeddingModel();
        if (modelName != null) {
            boolean available = plugins.model(modelName) != null;
            d.put("embeddingModel", modelName);
            d.put("embeddingModelAvailable", available);
            if (!available) {
                problems.add(c.label + ": embedding model '" + modelName + "' is not available");
            }
        }
        Throwable failure = c.failure();
        d.put("writable", failure == null);
        if (failure != null) {
            StorageFailureException.Reason reason = StorageErrors.reason(failure);
            String why = StorageErrors.describe(reason, c.directory);
            d.put("storageFailure", reason.name().toLowerCase(Locale.ROOT));
            d.put("storageProblem", why);
            problems.add(c.label + ": cannot be written, " + why + "; reads go on, writes are retried every "
                    + StorageErrors.RETRY_SECONDS + " seconds");
        }
        return d;
    }

    /** Whether the store takes writes: it is active, its data directory is writable, and any collection can write. */
    boolean canWrite() {
        if (!collections.isOpen() || collections.directoryFailure() != null) {
            return false;
        }
        if (collections.size() == 0) {
            return true;
        }
        for (StoredCollection c : collections.inNameOrder()) {
            if (c.failure() == null) {
                return true;
            }
        }
        return false;
    }
}
