package dev.caracal.vector;

import java.time.Instant;

/** A collection as it is now: its spec, how many records it holds, and its index state. */
public record CollectionInfo(CollectionSpec spec, long count, IndexState index, Instant createdAt) {
}
