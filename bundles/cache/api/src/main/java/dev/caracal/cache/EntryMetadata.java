package dev.caracal.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What is known about a cached value: when it was written, how long it lives ({@code null}: until evicted), its
 * content type, and free-form tags (model, tenant, ...).
 */
public record EntryMetadata(Instant createdAt, Duration ttl, String contentType, Map<String, String> tags) {
    public EntryMetadata {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** When the entry expires, or {@code null} when it has no TTL. */
    public Instant expiresAt() {
        return ttl == null ? null : createdAt.plus(ttl);
    }

    public boolean isExpired(Instant now) {
        Instant at = expiresAt();
        return at != null && !now.isBefore(at);
    }
}
