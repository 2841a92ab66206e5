package dev.caracal.cache;

/** Counters of a backend or tier since it started; {@code entries} and {@code bytes} are -1 when unknown. */
public record CacheStats(long hits, long misses, long puts, long evictions, long entries, long bytes) {
    public double hitRatio() {
        long lookups = hits + misses;
        return lookups == 0 ? 0 : (double) hits / lookups;
    }
}
