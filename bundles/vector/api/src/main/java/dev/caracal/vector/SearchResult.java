package dev.caracal.vector;

import java.util.List;

/**
 * The hits, best first, and how they were found: the index type that answered ({@code flat} for an exact scan) and
 * whether the collection was degraded (its requested index unavailable).
 */
public record SearchResult(List<SearchHit> hits, String servedBy, boolean degraded) {
    public SearchResult {
        hits = List.copyOf(hits);
    }
}
