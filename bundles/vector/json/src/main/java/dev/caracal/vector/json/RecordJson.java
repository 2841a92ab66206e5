package dev.caracal.vector.json;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.vector.Edge;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.VectorRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Records: read with their vector, text, metadata and edges (errors at paths such as {@code records[2].vector[7]}),
 * written back; and lists of record ids.
 */
final class RecordJson {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private RecordJson() {}

    static List<VectorRecord> readRecords(JsonNode body) {
        JsonValues.onlyMembers(body, "", Set.of("records"));
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

    static VectorRecord readRecord(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException(path, "a record must be an object");
        }
        JsonValues.onlyMembers(node, path + ".", Set.of("id", "vector", "text", "metadata", "edges"));
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

    private static Map<String, Object> readMetadata(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidRequestException(path, "metadata must be a JSON object");
        }
        return Json.mapper().convertValue(node, MAP);
    }

    private static List<Edge> readEdges(JsonNode node, String path) {
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
            JsonValues.onlyMembers(e, p + ".", Set.of("target", "type", "weight"));
            String target = JsonValues.requiredText(e, "target", p + ".target");
            String type = e.hasNonNull("type") ? JsonValues.requiredText(e, "type", p + ".type") : null;
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

    static float[] readVector(JsonNode v, String path) {
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

    static Map<String, Object> writeRecord(VectorRecord r) {
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

    static List<String> readIds(JsonNode body) {
        JsonValues.onlyMembers(body, "", Set.of("ids"));
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
}
