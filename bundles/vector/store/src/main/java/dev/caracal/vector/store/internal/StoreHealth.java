package dev.caracal.vector.store.internal;

import dev.caracal.core.health.HealthCheck.Result;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's health: DOWN when it is not active; DEGRADED, with every problem named, when a collection's index plugin
 * is absent or failed, its embedding model is not bound, its storage failed, or a collection cannot be opened;
 * otherwise UP. The details describe every collection.
 */
final class StoreHealth {
    private final CollectionRegistry collections;
    private final PluginRegistry plugins;

    StoreHealth(CollectionRegistry collections, PluginRegistry plugins) {
        this.collections = collections;
        this.plugins = plugins;
    }

    Result check() {
        if (!collections.isOpen()) {
            return Result.down("the vector store is not active");
        }
        Map<String, Object> details = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (StoredCollection c : collections.inNameOrder()) {
            details.put(c.name, describe(c, problems));
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
            problems.add(c.name + ": " + index.message());
        }
        String modelName = c.spec.embeddingModel();
        if (modelName != null) {
            boolean available = plugins.model(modelName) != null;
            d.put("embeddingModel", modelName);
            d.put("embeddingModelAvailable", available);
            if (!available) {
                problems.add(c.name + ": embedding model '" + modelName + "' is not available");
            }
        }
        Throwable failure = c.failure();
        if (failure != null) {
            d.put("storageFailure", failure.toString());
            problems.add(c.name + ": storage failure, read-only until restart");
        }
        return d;
    }
}
