package dev.caracal.cache;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A named cache composed of tiers of backends, looked up in order; a hit in a lower tier is promoted to the tiers
 * above it. A tier whose backend is absent is skipped.
 */
@ProviderType
public interface Cache {
    String name();

    Optional<byte[]> get(String key);

    void put(String key, byte[] value, Duration ttl, Map<String, String> tags);

    boolean remove(String key);

    void clear();

    CacheStats stats();
}
