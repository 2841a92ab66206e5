package dev.caracal.vector.store.internal;

import dev.caracal.vector.Fusion;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.TextIndexUnavailableException;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.text.TextIndex;
import dev.caracal.vector.text.TextIndexFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a search on one collection: checks the request, compiles its filter, and by mode ranks by vector (the query
 * vector given or embedded; see {@link VectorRanker} for index or exact scan), by keyword (the collection's text index;
 * 503 when it cannot answer), or both fused (hybrid; the vector ranking alone, marked degraded, without a text index).
 * Every ranking reads one snapshot, so hits are consistent with each other.
 */
final class SearchPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(SearchPlanner.class);

    private final int maxK;
    private final VectorRanker vectors;
    private final Embedder embedder;

    SearchPlanner(int maxK, ExactScanner scanner, Embedder embedder) {
        this.maxK = maxK;
        this.vectors = new VectorRanker(scanner);
        this.embedder = embedder;
    }

    SearchResult search(StoredCollection c, SearchRequest request) {
        if (request == null) {
            throw new InvalidRequestException("request", "a search request is required");
        }
        int k = request.k();
        if (k < 1 || k > maxK) {
            throw new InvalidRequestException("k", "k must be between 1 and " + maxK + "; got " + k);
        }
        MetadataFilter filter = MetadataFilter.compile(request.filter());
        return switch (request.mode()) {
            case VECTOR -> {
                float[] query = queryVector(c, request);
                Snapshot s = c.snapshot();
                VectorRanker.Ranking r = vectors.rank(c, s, query, k, request, filter);
                yield new SearchResult(c.hits(s, r.ranked(), request.includeVectors()), r.servedBy(), r.degraded());
            }
            case KEYWORD -> keyword(c, request, filter);
            case HYBRID -> hybrid(c, request, filter);
        };
    }

    private SearchResult keyword(StoredCollection c, SearchRequest request, MetadataFilter filter) {
        if (request.vector() != null) {
            throw new InvalidRequestException(
                    "vector", "a keyword search takes text, not a vector; use mode hybrid to combine them");
        }
        String text = keywordText(request, "keyword");
        PluginSlot.View<TextIndexFactory, TextIndex> view = c.text.view();
        if (view.status() != IndexStatus.READY || view.index() == null) {
            throw new TextIndexUnavailableException(
                    "collection '" + c.name + "': keyword search is unavailable: " + textUnavailableReason(c));
        }
        Snapshot s = c.snapshot();
        ScoredOrdinals ranked = keywordRanking(c, view.index(), s, text, request.k(), filter);
        if (ranked == null) {
            throw new TextIndexUnavailableException(
                    "collection '" + c.name + "': keyword search is unavailable: " + textUnavailableReason(c));
        }
        return new SearchResult(
                c.hits(s, ranked, request.includeVectors()), c.text.state().type(), false);
    }

    /**
     * A hybrid search: the vector and keyword rankings of {@code candidates} hits each, fused. Without a usable text
     * index it answers with the vector ranking alone, marked degraded.
     */
    private SearchResult hybrid(StoredCollection c, SearchRequest request, MetadataFilter filter) {
        String text = keywordText(request, "hybrid");
        float[] query = queryVector(c, request);
        Fusion fusion = request.fusion();
        int k = request.k();
        int candidates = fusion.candidates() > 0
                ? Math.max(k, fusion.candidates())
                : Math.max(k, Math.min(maxK, Math.max(50, 2 * k)));
        candidates = Math.min(candidates, Math.max(k, maxK));
        Snapshot s = c.snapshot();
        VectorRanker.Ranking vector = vectors.rank(c, s, query, candidates, request, filter);
        PluginSlot.View<TextIndexFactory, TextIndex> view = c.text.view();
        ScoredOrdinals keyword = view.status() == IndexStatus.READY && view.index() != null
                ? keywordRanking(c, view.index(), s, text, candidates, filter)
                : null;
        if (keyword == null) {
            ScoredOrdinals top = truncate(vector.ranked(), k);
            return new SearchResult(c.hits(s, top, request.includeVectors()), vector.servedBy(), true);
        }
        ScoredOrdinals fused = Fusions.fuse(vector.ranked(), keyword, fusion, k);
        return new SearchResult(
                c.hits(s, fused, request.includeVectors()),
                vector.servedBy() + "+" + c.text.state().type(),
                vector.degraded());
    }

    /** The query vector of a vector or hybrid search: given, or the text embedded; unit length for cosine. */
    private float[] queryVector(StoredCollection c, SearchRequest request) {
        boolean cosine = c.spec.metric() == Metric.COSINE;
        float[] query;
        if (request.vector() != null) {
            Requests.vector(request.vector(), c.spec.dimension(), c.spec.metric(), "vector");
            query = request.vector().clone();
        } else if (request.text() != null && !request.text().isBlank()) {
            if (c.spec.embeddingModel() == null) {
                throw new InvalidRequestException(
                        "text",
                        "collection '" + c.name
                                + "' has no embedding model; search with a vector"
                                + (request.mode() == SearchMode.VECTOR
                                        ? ", or by keyword (mode keyword)"
                                        : " and text"));
            }
            query = embedder.embed(c, List.of(request.text()), "text").get(0).clone();
            Requests.vector(query, c.spec.dimension(), c.spec.metric(), "text");
        } else {
            throw new InvalidRequestException("vector", "give a vector, or text to embed");
        }
        if (cosine) {
            VectorTable.normalize(query, 0, query.length);
        }
        return query;
    }

    private static String keywordText(SearchRequest request, String mode) {
        if (request.text() == null || request.text().isBlank()) {
            throw new InvalidRequestException("text", "a " + mode + " search needs text to match");
        }
        return request.text();
    }

    private static String textUnavailableReason(StoredCollection c) {
        PluginSlot.View<TextIndexFactory, TextIndex> view = c.text.view();
        if (view.status() == IndexStatus.BUILDING) {
            return "its text index is being built (" + Math.round(c.text.progress() * 100) + "%); retry shortly";
        }
        return view.message() == null ? "no text index" : view.message();
    }

    /**
     * The best {@code k} by keyword relevance among the records live in {@code s} that pass the filter, or
     * {@code null} when the plugin failed (it may be leaving).
     */
    private static ScoredOrdinals keywordRanking(
            StoredCollection c, TextIndex index, Snapshot s, String text, int k, MetadataFilter filter) {
        IntPredicate accept = filter == null ? null : o -> filter.test(s.metadata(o));
        SnapshotFilter ordinalFilter =
                new SnapshotFilter(s, accept, filter == null ? -1 : SnapshotFilter.estimate(s, accept));
        ScoredOrdinals raw;
        try {
            raw = index.search(text, k, ordinalFilter);
        } catch (RuntimeException e) {
            LOG.debug("Collection '{}': the text index failed a search", c.label, e);
            return null;
        }
        return raw == null ? null : ordinalFilter.firstAccepted(raw, k);
    }

    private static ScoredOrdinals truncate(ScoredOrdinals r, int k) {
        return r.size() <= k ? r : new ScoredOrdinals(Arrays.copyOf(r.ordinals(), k), Arrays.copyOf(r.scores(), k));
    }
}
