package dev.caracal.security;

import java.util.Objects;
import java.util.Set;

/**
 * What narrows a key beyond its role: the collections it may reach and the gateway models or routes it may call.
 * An empty set narrows nothing (every collection of its tenant, every model).
 */
public record Grants(Set<String> collections, Set<String> models) {
    /** Nothing narrowed. */
    public static final Grants ALL = new Grants(Set.of(), Set.of());

    public Grants {
        collections = Set.copyOf(Objects.requireNonNullElse(collections, Set.of()));
        models = Set.copyOf(Objects.requireNonNullElse(models, Set.of()));
    }

    /** Whether a key with these grants may reach the collection named {@code name}. */
    public boolean allowsCollection(String name) {
        return collections.isEmpty() || collections.contains(name);
    }

    /** Whether a key with these grants may call the model or route named {@code name}. */
    public boolean allowsModel(String name) {
        return models.isEmpty() || models.contains(name);
    }

    /** Whether nothing is narrowed. */
    public boolean isAll() {
        return collections.isEmpty() && models.isEmpty();
    }
}
