package dev.caracal.vector.store.internal;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.BitSet;
import java.util.Map;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ranks a collection's records by similarity to a query vector, choosing how: the exact scan of a filter's few
 * candidates (the small-subset rule), the collection's index plugin when it is READY and answers in full, or else the
 * exact scan of every record (flat collections, an index building, departed or failing, or one that missed matches).
 * Query parameters are checked by the plugin even when the exact scan answers, so a bad one is always an error.
 */
final class VectorRanker {
    private static final Logger LOG = LoggerFactory.getLogger(VectorRanker.class);
    /** Up to this many filter candidates, a search scores them exactly instead of asking the index. */
    private static final int SMALL_SUBSET = 2_000;

    /** How a ranking was found: the best first, the index type that served it, and whether it was degraded. */
    record Ranking(ScoredOrdinals ranked, String servedBy, boolean degraded) {}

    private final ExactScanner scanner;

    VectorRanker(ExactScanner scanner) {
        this.scanner = scanner;
    }

    /** The best {@code k} by vector similarity: through the index plugin when it can answer, else by exact scan. */
    Ranking rank(StoredCollection c, Snapshot s, float[] query, int k, SearchRequest request, MetadataFilter filter) {
        int[] candidates = filter == null ? null : c.postings.candidates(request.filter());
        boolean small = candidates != null && candidates.length <= Math.max(SMALL_SUBSET, s.liveCount / 32);
        IntPredicate accept = filter == null
                ? null
                : candidates == null || small ? o -> filter.test(s.metadata(o)) : inCandidates(s, filter, candidates);
        IndexSlot slot = c.index; // once: an index change swaps the slot
        PluginSlot.View<VectorIndexFactory, VectorIndex> view = slot.view();
        if (slot.isFlat()) {
            QuantizedFlat.validateQueryParams(request.params(), false);
        } else if (view.status() == IndexStatus.BUILDING && view.factory() != null) {
            // answered by exact scan for now, but a bad parameter is still an error
            validateQueryParams(c, slot, view.factory(), request);
        }
        boolean degraded = !slot.isFlat() && view.status() == IndexStatus.DEGRADED;
        if (small) {
            // a selective filter: scoring its few candidates exactly beats any index, and is exact
            if (!slot.isFlat() && view.factory() != null) {
                validateQueryParams(c, slot, view.factory(), request);
            }
            return new Ranking(
                    scanner.searchCandidates(s, query, c.spec.metric(), k, accept, candidates),
                    IndexSpec.FLAT,
                    degraded);
        }
        if (!slot.isFlat() && view.status() == IndexStatus.READY && view.index() != null) {
            ScoredOrdinals ranked = searchIndex(c, slot, view, s, query, k, request, filter, accept, candidates);
            if (ranked != null) {
                return new Ranking(ranked, slot.servedBy(), false);
            }
            degraded = slot == c.index && slot.view().status() == IndexStatus.DEGRADED;
        }
        return new Ranking(scanner.search(s, query, c.spec.metric(), k, accept), IndexSpec.FLAT, degraded);
    }

    /**
     * Searches through the collection's index plugin; returns {@code null} when the exact scan must answer instead:
     * the plugin failed (it may be leaving), or it returned fewer than {@code k} hits while more may match.
     */
    private ScoredOrdinals searchIndex(
            StoredCollection c,
            IndexSlot slot,
            PluginSlot.View<VectorIndexFactory, VectorIndex> view,
            Snapshot s,
            float[] query,
            int k,
            SearchRequest request,
            MetadataFilter filter,
            IntPredicate accept,
            int[] candidates) {
        Map<String, Object> params = validateQueryParams(c, slot, view.factory(), request);
        if (params == null) {
            return null;
        }
        SnapshotFilter ordinalFilter = new SnapshotFilter(
                s,
                accept,
                filter == null ? -1 : candidates != null ? candidates.length : SnapshotFilter.estimate(s, accept));
        ScoredOrdinals raw;
        try {
            raw = view.index().search(query, k, ordinalFilter, params);
        } catch (InvalidRequestException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug(
                    "Collection '{}': the {} index failed a search; answering by exact scan", c.label, slot.type(), e);
            return null;
        }
        if (raw == null) {
            return null;
        }
        // keep only ordinals the filter accepts, once each, at most k
        ScoredOrdinals kept = ordinalFilter.firstAccepted(raw, k);
        if (kept.size() < k && (filter != null || kept.size() < s.liveCount)) {
            return null; // the index may have missed matches: the exact scan guarantees k when k match
        }
        return kept;
    }

    /** The plugin's view of the query parameters; {@code null} when the plugin failed (it may be leaving). */
    private static Map<String, Object> validateQueryParams(
            StoredCollection c, IndexSlot slot, VectorIndexFactory factory, SearchRequest request) {
        try {
            return factory.validateQueryParams(request.params());
        } catch (InvalidRequestException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug("Collection '{}': the {} plugin failed to check query parameters", c.label, slot.type(), e);
            return null;
        }
    }

    /**
     * The filter behind a bit test of its postings candidates: a record outside them (most of those an index visits
     * under a 10% filter) costs one bit instead of a walk through its metadata.
     */
    private static IntPredicate inCandidates(Snapshot s, MetadataFilter filter, int[] candidates) {
        BitSet bits = new BitSet(s.maxOrdinal);
        for (int o : candidates) {
            bits.set(o);
        }
        return o -> bits.get(o) && filter.test(s.metadata(o));
    }
}
