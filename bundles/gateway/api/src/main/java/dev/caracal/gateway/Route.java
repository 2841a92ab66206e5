package dev.caracal.gateway;

import java.util.List;
import java.util.Objects;

/**
 * A route: the model names it answers ({@code name} and its {@code aliases}, or every name starting with
 * {@code name} when {@code prefix}), its targets in order, and how it picks among them:
 * <ul>
 * <li>{@code ORDERED}: the first healthy target, then the next ones as fallbacks;</li>
 * <li>{@code WEIGHTED}: a target drawn by weight first, then the others by weight as fallbacks;</li>
 * <li>{@code LEAST_LATENCY}: the healthy target with the lowest recent latency first.</li>
 * </ul>
 * {@code source} says where the route comes from: a configuration PID, {@code provider} for the implicit route of a
 * model a provider lists, or {@code embeddings} for the implicit route of an embedding model's name.
 */
public record Route(
        String name, List<String> aliases, boolean prefix, Strategy strategy, List<Target> targets, String source) {
    public enum Strategy {
        ORDERED,
        WEIGHTED,
        LEAST_LATENCY
    }

    public Route {
        Objects.requireNonNull(name, "name");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        strategy = strategy == null ? Strategy.ORDERED : strategy;
        targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
    }
}
