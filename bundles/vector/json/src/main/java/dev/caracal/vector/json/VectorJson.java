package dev.caracal.vector.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Filter;
import dev.caracal.vector.Fusion;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the JSON of the vector API. Every read error is an {@link InvalidRequestException} whose field is a
 * path into the request ({@code records[2].vector[7]}, {@code filter.and[0].range.year}).
 *
 * <p>The entry point of the codec; the work is done by one class per part of the API: {@link CollectionJson},
 * {@link RecordJson}, {@link SearchJson} and {@link FilterJson}.
 */
public final class VectorJson {
    /** Search results returned when a request names no k. */
    public static final int DEFAULT_K = 10;

    private VectorJson() {}

    // ---- collections ----

    /** A collection spec: {@code name}, {@code dimension}, {@code metric}, {@code embedding}, {@code index}. */
    public static CollectionSpec readCollectionSpec(JsonNode body) {
        return CollectionJson.readCollectionSpec(body);
    }

    /**
     * An index spec: {@code {"type":"hnsw","m":16,...}}, every member but {@code type} a build parameter (a number,
     * string or boolean). The same shape as a collection spec's {@code index} member, and errors name the field the
     * same way ({@code index.type}, {@code index.m}).
     */
    public static IndexSpec readIndexSpec(JsonNode idx) {
        return CollectionJson.readIndexSpec(idx);
    }

    /** A collection's spec, index (and text index) status, count and creation time. */
    public static Map<String, Object> writeCollection(CollectionInfo info) {
        return CollectionJson.writeCollection(info);
    }

    // ---- records ----

    /** The {@code records} array of an upsert body. */
    public static List<VectorRecord> readRecords(JsonNode body) {
        return RecordJson.readRecords(body);
    }

    /** One record at {@code path}: {@code id}, {@code vector} or {@code text}, {@code metadata}, {@code edges}. */
    public static VectorRecord readRecord(JsonNode node, String path) {
        return RecordJson.readRecord(node, path);
    }

    /** A non-empty array of finite 32-bit floats at {@code path}. */
    public static float[] readVector(JsonNode v, String path) {
        return RecordJson.readVector(v, path);
    }

    public static Map<String, Object> writeRecord(VectorRecord r) {
        return RecordJson.writeRecord(r);
    }

    /** The {@code ids} array of a body: record ids, strings or integers. */
    public static List<String> readIds(JsonNode body) {
        return RecordJson.readIds(body);
    }

    // ---- search ----

    public static SearchRequest readSearch(JsonNode body) {
        return SearchJson.readSearch(body);
    }

    /**
     * Reads {@code {"method": "rrf"|"weighted", "alpha": 0.5, "rrf_k": 60, "candidates": 100}}; every member is
     * optional (defaults: rrf, 0.5, 60, chosen from k).
     */
    public static Fusion readFusion(JsonNode node) {
        return SearchJson.readFusion(node);
    }

    public static Map<String, Object> writeSearchResult(SearchResult result) {
        return SearchJson.writeSearchResult(result);
    }

    // ---- filters ----

    /** Parses the filter grammar: eq, in, range, exists, and, or, not. */
    public static Filter readFilter(JsonNode node, String path) {
        return FilterJson.readFilter(node, path);
    }
}
