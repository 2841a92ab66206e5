package dev.caracal.vector.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.vector.Filter;
import dev.caracal.vector.Fusion;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Searches: a search request (query vector or text, mode, hybrid fusion, k, filter, index parameters) read, its
 * result written.
 */
final class SearchJson {
    private SearchJson() {}

    static SearchRequest readSearch(JsonNode body) {
        JsonValues.onlyMembers(
                body, "", Set.of("vector", "text", "k", "filter", "mode", "fusion", "params", "includeVectors"));
        float[] vector = null;
        JsonNode v = body.get("vector");
        if (v != null && !v.isNull()) {
            vector = RecordJson.readVector(v, "vector");
        }
        String text = JsonValues.optionalText(body, "text");
        SearchMode mode = SearchMode.VECTOR;
        String modeText = JsonValues.optionalText(body, "mode");
        if (modeText != null) {
            try {
                mode = SearchMode.valueOf(modeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(
                        "mode", "unknown mode '" + modeText + "'; use vector, keyword or hybrid");
            }
        }
        if (vector == null && text == null) {
            throw new InvalidRequestException("vector", "give a query vector or a text");
        }
        if (vector != null && text != null && mode == SearchMode.VECTOR) {
            throw new InvalidRequestException("text", "give either a vector or a text for a vector search, not both");
        }
        if (mode != SearchMode.VECTOR && text == null) {
            throw new InvalidRequestException(
                    "text", "a " + mode.name().toLowerCase(Locale.ROOT) + " search needs text to match");
        }
        if (mode == SearchMode.KEYWORD && vector != null) {
            throw new InvalidRequestException(
                    "vector", "a keyword search takes text, not a vector; use mode hybrid " + "to combine them");
        }
        Fusion fusion = null;
        JsonNode fn = body.get("fusion");
        if (fn != null && !fn.isNull()) {
            if (mode != SearchMode.HYBRID) {
                throw new InvalidRequestException("fusion", "fusion applies to hybrid searches only (mode hybrid)");
            }
            fusion = readFusion(fn);
        }
        int k = VectorJson.DEFAULT_K;
        JsonNode kn = body.get("k");
        if (kn != null && !kn.isNull()) {
            if (!kn.isIntegralNumber() || !kn.canConvertToInt() || kn.intValue() < 1) {
                throw new InvalidRequestException("k", "k must be a positive integer");
            }
            k = kn.intValue();
        }
        Filter filter = null;
        JsonNode f = body.get("filter");
        if (f != null && !f.isNull()) {
            filter = FilterJson.readFilter(f, "filter");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        JsonNode p = body.get("params");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw new InvalidRequestException("params", "params must be an object such as {\"ef\": 64}");
            }
            p.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new InvalidRequestException(
                            "params." + e.getKey(), "query parameters must be numbers, strings or booleans");
                }
                params.put(e.getKey(), JsonValues.scalar(e.getValue()));
            });
        }
        JsonNode iv = body.get("includeVectors");
        if (iv != null && !iv.isNull() && !iv.isBoolean()) {
            throw new InvalidRequestException("includeVectors", "includeVectors must be true or false");
        }
        boolean includeVectors = iv != null && iv.booleanValue();
        return new SearchRequest(vector, text, k, filter, mode, params, includeVectors, fusion);
    }

    /**
     * Reads {@code {"method": "rrf"|"weighted", "alpha": 0.5, "rrf_k": 60, "candidates": 100}}; every member is
     * optional (defaults: rrf, 0.5, 60, chosen from k).
     */
    static Fusion readFusion(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidRequestException(
                    "fusion", "fusion must be an object such as " + "{\"method\":\"weighted\",\"alpha\":0.7}");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!List.of("method", "alpha", "rrf_k", "candidates").contains(name)) {
                throw new InvalidRequestException(
                        "fusion." + name, "unknown fusion member; use method, alpha, " + "rrf_k or candidates");
            }
        });
        Fusion.Method method = Fusion.DEFAULT.method();
        String m = JsonValues.optionalText(node, "method");
        if (m != null) {
            try {
                method = Fusion.Method.valueOf(m.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(
                        "fusion.method", "unknown fusion method '" + m + "'; use rrf or weighted");
            }
        }
        double alpha = Fusion.DEFAULT_ALPHA;
        JsonNode a = node.get("alpha");
        if (a != null && !a.isNull()) {
            if (!a.isNumber()) {
                throw new InvalidRequestException("fusion.alpha", "alpha must be a number between 0 and 1");
            }
            alpha = a.doubleValue();
        }
        return new Fusion(
                method, alpha, intMember(node, "rrf_k", Fusion.DEFAULT_RRF_K), intMember(node, "candidates", 0));
    }

    private static int intMember(JsonNode node, String name, int defaultValue) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new InvalidRequestException("fusion." + name, name + " must be an integer");
        }
        return n.intValue();
    }

    static Map<String, Object> writeSearchResult(SearchResult result) {
        List<Map<String, Object>> hits = new ArrayList<>(result.hits().size());
        for (SearchHit h : result.hits()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", h.id());
            m.put("score", h.score() + 0.0); // + 0.0 turns the -0.0 of an exact L2 match (negated distance) into 0.0
            m.put("metadata", h.metadata());
            m.put("text", h.text());
            if (h.vector() != null) {
                m.put("vector", h.vector());
            }
            hits.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", hits);
        out.put("servedBy", result.servedBy());
        out.put("degraded", result.degraded());
        return out;
    }
}
