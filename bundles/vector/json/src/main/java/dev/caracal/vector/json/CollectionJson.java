package dev.caracal.vector.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Collections: a collection spec and its index spec read, a collection's description with its index status written. */
final class CollectionJson {
    private CollectionJson() {}

    static CollectionSpec readCollectionSpec(JsonNode body) {
        JsonValues.onlyMembers(body, "", Set.of("name", "dimension", "metric", "embedding", "index"));
        String name = JsonValues.requiredText(body, "name");
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
        String embedding = JsonValues.optionalText(body, "embedding");
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
    static IndexSpec readIndexSpec(JsonNode idx) {
        if (idx == null || !idx.isObject()) {
            throw new InvalidRequestException("index", "index must be an object such as {\"type\":\"flat\"}");
        }
        String type = JsonValues.requiredText(idx, "type", "index.type");
        Map<String, Object> params = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = idx.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("type")) {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new InvalidRequestException(
                            "index." + e.getKey(), "index parameters must be numbers, strings or booleans");
                }
                params.put(e.getKey(), JsonValues.scalar(e.getValue()));
            }
        }
        return new IndexSpec(type.trim().toLowerCase(Locale.ROOT), params);
    }

    static Map<String, Object> writeCollection(CollectionInfo info) {
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
}
