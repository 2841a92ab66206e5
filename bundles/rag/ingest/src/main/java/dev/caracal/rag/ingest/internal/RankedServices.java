package dev.caracal.rag.ingest.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The services of one kind bound now, best first: higher {@code service.ranking}, then the earlier registration
 * (lower {@code service.id}). Lookups read an immutable snapshot, so they never wait for a bind or unbind.
 */
final class RankedServices<S> {

    private record Entry<S>(S service, String key, int ranking, long serviceId) {}

    private static final Comparator<Entry<?>> BEST_FIRST =
            Comparator.<Entry<?>>comparingInt(e -> -e.ranking()).thenComparingLong(Entry::serviceId);

    private volatile List<Entry<S>> entries = List.of();
    private long registrations;

    /** Adds a service under a key (a chunker's strategy; parsers use no key). */
    synchronized void add(S service, String key, Map<String, ?> properties) {
        Object ranking = properties == null ? null : properties.get("service.ranking");
        Object id = properties == null ? null : properties.get("service.id");
        registrations++;
        List<Entry<S>> next = new ArrayList<>(entries);
        next.add(new Entry<>(
                service,
                key,
                ranking instanceof Integer r ? r : 0,
                id instanceof Number n ? n.longValue() : Long.MAX_VALUE / 2 + registrations));
        next.sort(BEST_FIRST);
        entries = List.copyOf(next);
    }

    synchronized void remove(S service) {
        List<Entry<S>> next = new ArrayList<>(entries);
        next.removeIf(e -> e.service() == service);
        entries = List.copyOf(next);
    }

    /** The best service registered under {@code key}. */
    Optional<S> byKey(String key) {
        return first(e -> key.equals(e.key()));
    }

    /** The best service that passes {@code test}. */
    Optional<S> find(Predicate<S> test) {
        return first(e -> test.test(e.service()));
    }

    List<S> all() {
        return entries.stream().map(Entry::service).toList();
    }

    private Optional<S> first(Predicate<Entry<S>> test) {
        for (Entry<S> e : entries) {
            if (test.test(e)) {
                return Optional.of(e.service());
            }
        }
        return Optional.empty();
    }
}
