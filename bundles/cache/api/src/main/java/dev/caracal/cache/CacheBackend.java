package dev.caracal.cache;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A cache backend, registered with the service property {@value #BACKEND_PROPERTY}. Keys live in namespaces (one per
 * named cache). A backend never throws for a lookup it cannot serve: it answers empty, and the tier treats it as a
 * miss.
 */
@ConsumerType
public interface CacheBackend {
    String BACKEND_PROPERTY = "caracal.cache.backend";

    /** The backend's name ({@code ehcache-heap}, {@code redis}, ...). */
    String name();

    BackendCapabilities capabilities();

    Optional<CacheEntry> get(String namespace, String key);

    void put(String namespace, CacheEntry entry);

    boolean remove(String namespace, String key);

    /** Remove every entry of a namespace; returns how many were removed, or -1 when unknown. */
    long clear(String namespace);

    CacheStats stats();
}
