package dev.caracal.vector;

import java.time.Instant;

/**
 * A collection as it is now: its spec, how many records it holds, its index state, and the state of its keyword (text)
 * index ({@code null} when no text-index plugin has ever served it).
 */
public record CollectionInfo(
        CollectionSpec spec, long count, IndexState index, Instant createdAt, IndexState textIndex) {
    public CollectionInfo(CollectionSpec spec, long count, IndexState index, Instant createdAt) {
        this(spec, count, index, createdAt, null);
    }
}
