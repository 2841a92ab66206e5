package dev.caracal.cache;

import java.util.Objects;

/** A cached value with its metadata. The byte array is owned by the caller once returned. */
public record CacheEntry(String key, byte[] value, EntryMetadata metadata) {
    public CacheEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
