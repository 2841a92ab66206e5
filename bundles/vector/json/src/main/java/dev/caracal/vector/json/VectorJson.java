package dev.caracal.vector.json;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Edge;
import dev.caracal.vector.Filter;
import dev.caracal.vector.Fusion;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes the JSON of the vector API. Every read error is an {@link InvalidRequestException} whose field is a
 * path into the request ({@code records[2].vector[7]}, {@code filter.and[0].range.year}).
 */
public final class VectorJson {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    /** Search results returned when a request names no k. */
    public static final int DEFAULT_K = 10;

    private VectorJson() {}

    // ---- collections ----

    public static CollectionSpec readCollectionSpec(JsonNode body) {
        String name = requiredText(body, "name");
        int dimension = 0;
        JsonNode dim = body.get("dimension");
        if (dim != null && !dim.isNull()) {
            if (!dim.isIntegralNumber() || !dim.canConvertToInt()) {
                throw new InvalidRequestException("dimension", "dimension must be a positive integer");
            }
            dimension = dim.intValue();
            if (dimension <= 0) {
                throw new InvalidRequestException(
                        "dimension", "dimension must be a positive integer, got " + dimension);
            }
        }
        Metric metric = Metric.COSINE;
        JsonNode m = body.get("metric");
        if (m != null && !m.isNull()) {
            if (!m.isTextual()) {
                throw new InvalidRequestException("metric", "metric must be a string: one of " + Metric.names());
            }
            metric = Metric.parse("metric", m.textValue());
        }
        String embedding = optionalText(body, "embedding");
        if (dimension == 0 && embedding == null) {
            throw new InvalidRequestException(
                    "dimension", "give a dimension, or an embedding model whose dimension the collection takes");
        }
        IndexSpec index = IndexSpec.FLAT_SPEC;
        JsonNode idx = body.get("index");
        if (idx != null && !idx.isNull()) {
            index = readIndexSpec(idx);
        }
        return new CollectionSpec(name, dimension, metric, embedding, index);
    }

    /**
     * An index spec: {@code {"type":"hnsw","m":16,...}}, every member but {@code type} a build parameter (a number,
     * string or boolean). The same shape as a collection spec's {@code index} member, and errors name the field the
     * same way ({@code index.type}, {@code index.m}).
     */
    public static IndexSpec readIndexSpec(JsonNode idx) {
        if (idx == null || !idx.isObject()) {
            throw new InvalidRequestException("index", "index must be an object such as {\"type\":\"flat\"}");
        }
        String type = requiredText(idx, "type", "index.type");
        Map<String, Object> params = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = idx.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("type")) {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new InvalidRequestException(
                            "index." + e.getKey(), "index parameters must be numbers, strings or booleans");
                }
                params.put(e.getKey(), scalar(e.getValue()));
            }
        }
        return new IndexSpec(type.trim().toLowerCase(Locale.ROOT), params);
    }

    public static Map<String, Object> writeCollection(CollectionInfo info) {
        Map<String, Object> out = new LinkedHashMap<>();
        CollectionSpec spec = info.spec();
        out.put("name", spec.name());
        out.put("dimension", spec.dimension());
        out.put("metric", spec.metric().id());
        out.put("embedding", spec.embeddingModel());
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("type", spec.index().type());
        if (!spec.index().params().isEmpty()) {
            index.put("params", spec.index().params());
        }
        if (info.index() != null) {
            index.put("servedBy", info.index().type());
            index.put("status", info.index().status().name().toLowerCase(Locale.ROOT));
            index.put("progress", info.index().progress());
            if (info.index().message() != null) {
                index.put("message", info.index().message());
            }
        }
        out.put("index", index);
        if (info.textIndex() != null) {
            Map<String, Object> text = new LinkedHashMap<>();
            text.put("type", info.textIndex().type());
            text.put("status", info.textIndex().status().name().toLowerCase(Locale.ROOT));
            text.put("progress", info.textIndex().progress());
            if (info.textIndex().message() != null) {
                text.put("message", info.textIndex().message());
            }
            out.put("textIndex", text);
        }
        out.put("count", info.count());
        if (info.createdAt() != null) {
            out.put("createdAt", info.createdAt().toString());
        }
        return out;
    }

    // ---- records ----

    public static List<VectorRecord> readRecords(JsonNode body) {
        JsonNode records = body.get("records");
        if (records == null || !records.isArray()) {
            throw new InvalidRequestException(
                    "records", "records must be an array of {\"id\", \"vector\" or \"text\", \"metadata\"}");
        }
        if (records.isEmpty()) {
            throw new InvalidRequestException("records", "records is empty");
        }
        List<VectorRecord> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            out.add(readRecord(records.get(i), "records[" + i + "]"));
        }
        return out;
    }

    public static VectorRecord readRecord(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException(path, "a record must be an object");
        }
        JsonNode idNode = node.get("id");
        String id;
        if (idNode != null && idNode.isTextual()) {
            id = idNode.textValue();
        } else if (idNode != null && idNode.isIntegralNumber()) {
            id = idNode.asText();
        } else {
            throw new InvalidRequestException(path + ".id", "id must be a string (or an integer)");
        }
        if (id.isEmpty()) {
            throw new InvalidRequestException(path + ".id", "id must not be empty");
        }
        float[] vector = null;
        JsonNode v = node.get("vector");
        if (v != null && !v.isNull()) {
            vector = readVector(v, path + ".vector");
        }
        String text = null;
        JsonNode t = node.get("text");
        if (t != null && !t.isNull()) {
            if (!t.isTextual()) {
                throw new InvalidRequestException(path + ".text", "text must be a string");
            }
            text = t.textValue();
        }
        if (vector == null && text == null) {
            throw new InvalidRequestException(path, "a record needs a vector or a text to embed");
        }
        return new VectorRecord(
                id,
                vector,
                readMetadata(node.get("metadata"), path + ".metadata"),
                text,
                readEdges(node.get("edges"), path + ".edges"));
    }

    static Map<String, Object> readMetadata(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidRequestException(path, "metadata must be a JSON object");
        }
        return Json.mapper().convertValue(node, MAP);
    }

    static List<Edge> readEdges(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRequestException(path, "edges must be an array of {\"target\", \"type\", \"weight\"}");
        }
        List<Edge> edges = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode e = node.get(i);
            if (!e.isObject()) {
                throw new InvalidRequestException(p, "an edge must be an object");
            }
            String target = requiredText(e, "target", p + ".target");
            String type = e.hasNonNull("type") ? requiredText(e, "type", p + ".type") : null;
            double weight = 1.0;
            JsonNode w = e.get("weight");
            if (w != null && !w.isNull()) {
                if (!w.isNumber() || !Double.isFinite(w.doubleValue())) {
                    throw new InvalidRequestException(p + ".weight", "weight must be a finite number");
                }
                weight = w.doubleValue();
            }
            edges.add(new Edge(target, type, weight));
        }
        return edges;
    }

    public static float[] readVector(JsonNode v, String path) {
        if (!v.isArray()) {
            throw new InvalidRequestException(path, "vector must be an array of numbers");
        }
        if (v.isEmpty()) {
            throw new InvalidRequestException(path, "vector is empty");
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = v.get(i);
            if (!x.isNumber()) {
                throw new InvalidRequestException(
                        path + "[" + i + "]",
                        "vector elements must be numbers, got "
                                + x.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            float f = (float) x.doubleValue();
            if (!Float.isFinite(f)) {
                throw new InvalidRequestException(
                        path + "[" + i + "]",
                        "vector elements must be finite 32-bit floats; " + x.asText() + " is not");
            }
            out[i] = f;
        }
        return out;
    }

    public static Map<String, Object> writeRecord(VectorRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("vector", r.vector());
        out.put("metadata", r.metadata());
        out.put("text", r.text());
        List<Map<String, Object>> edges = new ArrayList<>();
        for (Edge e : r.edges()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", e.target());
            m.put("type", e.type());
            m.put("weight", e.weight());
            edges.add(m);
        }
        out.put("edges", edges);
        return out;
    }

    public static List<String> readIds(JsonNode body) {
        JsonNode ids = body.get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw new InvalidRequestException("ids", "ids must be a non-empty array of record ids");
        }
        List<String> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isTextual() && !id.isIntegralNumber()) {
                throw new InvalidRequestException("ids[" + i + "]", "an id must be a string");
            }
            out.add(id.asText());
        }
        return out;
    }

    // ---- search ----

    public static SearchRequest readSearch(JsonNode body) {
        float[] vector = null;
        JsonNode v = body.get("vector");
        if (v != null && !v.isNull()) {
            vector = readVector(v, "vector");
        }
        String text = optionalText(body, "text");
        SearchMode mode = SearchMode.VECTOR;
        String modeText = optionalText(body, "mode");
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
        int k = DEFAULT_K;
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
            filter = readFilter(f, "filter");
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
                params.put(e.getKey(), scalar(e.getValue()));
            });
        }
        JsonNode iv = body.get("includeVectors");
        boolean includeVectors = iv != null && iv.asBoolean(false);
        return new SearchRequest(vector, text, k, filter, mode, params, includeVectors, fusion);
    }

    /**
     * Reads {@code {"method": "rrf"|"weighted", "alpha": 0.5, "rrf_k": 60, "candidates": 100}}; every member is
     * optional (defaults: rrf, 0.5, 60, chosen from k).
     */
    public static Fusion readFusion(JsonNode node) {
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
        String m = optionalText(node, "method");
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

    public static Map<String, Object> writeSearchResult(SearchResult result) {
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

    // ---- filters ----

    /** Parses the filter grammar: eq, in, range, exists, and, or, not. */
    public static Filter readFilter(JsonNode node, String path) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new InvalidRequestException(
                    path, "a filter is an object with one operator: eq, in, range, exists, and, or, not");
        }
        Map.Entry<String, JsonNode> op = node.fields().next();
        String name = op.getKey();
        JsonNode arg = op.getValue();
        String p = path + "." + name;
        switch (name) {
            case "eq": {
                List<Filter> eqs = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : fieldsOf(arg, p, "{\"eq\":{\"field\":value}}")) {
                    JsonNode val = e.getValue();
                    if (!val.isValueNode()) {
                        throw new InvalidRequestException(
                                p + "." + e.getKey(), "eq compares with a string, number, boolean or null");
                    }
                    eqs.add(new Filter.Eq(e.getKey(), scalar(val)));
                }
                return eqs.size() == 1 ? eqs.get(0) : new Filter.And(eqs);
            }
            case "in": {
                List<Filter> ins = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : fieldsOf(arg, p, "{\"in\":{\"field\":[values]}}")) {
                    JsonNode vals = e.getValue();
                    if (!vals.isArray() || vals.isEmpty()) {
                        throw new InvalidRequestException(p + "." + e.getKey(), "in needs a non-empty array of values");
                    }
                    List<Object> values = new ArrayList<>();
                    for (int i = 0; i < vals.size(); i++) {
                        if (!vals.get(i).isValueNode()) {
                            throw new InvalidRequestException(
                                    p + "." + e.getKey() + "[" + i + "]",
                                    "in values must be strings, numbers, booleans or null");
                        }
                        values.add(scalar(vals.get(i)));
                    }
                    ins.add(new Filter.In(e.getKey(), values));
                }
                return ins.size() == 1 ? ins.get(0) : new Filter.And(ins);
            }
            case "range": {
                List<Filter> ranges = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : fieldsOf(arg, p, "{\"range\":{\"field\":{\"gte\":1}}}")) {
                    ranges.add(readRange(e.getKey(), e.getValue(), p + "." + e.getKey()));
                }
                return ranges.size() == 1 ? ranges.get(0) : new Filter.And(ranges);
            }
            case "exists": {
                if (!arg.isTextual() || arg.textValue().isEmpty()) {
                    throw new InvalidRequestException(p, "exists takes a field name: {\"exists\":\"author\"}");
                }
                return new Filter.Exists(arg.textValue());
            }
            case "and":
            case "or": {
                if (!arg.isArray() || arg.isEmpty()) {
                    throw new InvalidRequestException(p, name + " takes a non-empty array of filters");
                }
                List<Filter> parts = new ArrayList<>();
                for (int i = 0; i < arg.size(); i++) {
                    parts.add(readFilter(arg.get(i), p + "[" + i + "]"));
                }
                return name.equals("and") ? new Filter.And(parts) : new Filter.Or(parts);
            }
            case "not":
                return new Filter.Not(readFilter(arg, p));
            default:
                throw new InvalidRequestException(
                        p, "unknown filter operator '" + name + "'; use eq, in, range, exists, and, or, not");
        }
    }

    private static Filter readRange(String field, JsonNode bounds, String path) {
        if (!bounds.isObject() || bounds.isEmpty()) {
            throw new InvalidRequestException(path, "a range needs bounds: gt, gte, lt, lte");
        }
        Object[] b = new Object[4];
        String[] names = {"gt", "gte", "lt", "lte"};
        Boolean numeric = null;
        Iterator<Map.Entry<String, JsonNode>> it = bounds.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int slot = List.of(names).indexOf(e.getKey());
            if (slot < 0) {
                throw new InvalidRequestException(path + "." + e.getKey(), "unknown range bound; use gt, gte, lt, lte");
            }
            JsonNode val = e.getValue();
            if (!(val.isNumber() || val.isTextual())) {
                throw new InvalidRequestException(path + "." + e.getKey(), "a range bound is a number or a string");
            }
            if (numeric != null && numeric != val.isNumber()) {
                throw new InvalidRequestException(
                        path + "." + e.getKey(), "range bounds must all be numbers or all strings");
            }
            numeric = val.isNumber();
            b[slot] = scalar(val);
        }
        return new Filter.Range(field, b[0], b[1], b[2], b[3]);
    }

    private static Iterable<Map.Entry<String, JsonNode>> fieldsOf(JsonNode arg, String path, String example) {
        if (arg == null || !arg.isObject() || arg.isEmpty()) {
            throw new InvalidRequestException(path, "expected an object like " + example);
        }
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        arg.fields().forEachRemaining(out::add);
        return out;
    }

    // ---- helpers ----

    /** A JSON scalar as Java: String, Long (integral), Double, Boolean or null. */
    static Object scalar(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        return v.asText();
    }

    private static String requiredText(JsonNode body, String name) {
        return requiredText(body, name, name);
    }

    private static String requiredText(JsonNode body, String name, String path) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            throw new InvalidRequestException(path, path + " is required");
        }
        if (!n.isTextual() || n.textValue().isBlank()) {
            throw new InvalidRequestException(path, path + " must be a non-empty string");
        }
        return n.textValue();
    }

    private static String optionalText(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidRequestException(name, name + " must be a string");
        }
        return n.textValue();
    }
}
