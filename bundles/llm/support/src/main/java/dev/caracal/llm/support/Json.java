package dev.caracal.llm.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * A shared Jackson mapper for wire JSON (tree model: unknown properties are ignored, trailing tokens are an error)
 * and lenient helpers for upstream bodies, which may be anything.
 */
public final class Json {

    /** Thread-safe; do not reconfigure it. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /** The parsed body, or {@code null} when it is blank or not JSON. */
    public static JsonNode tryParse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** JSON the caller vouched for (a tool schema, tool arguments): the parsed value, or the text as a JSON string. */
    public static JsonNode parseOrText(String json) {
        JsonNode node = tryParse(json);
        return node != null ? node : MAPPER.getNodeFactory().textNode(json);
    }

    /**
     * The compact JSON text of {@code node}. Strings, numbers, booleans, null and empty containers are written
     * without a generator (a gateway call writes several such small values per request).
     */
    public static String write(JsonNode node) {
        String small = small(node);
        if (small != null) {
            return small;
        }
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON text of a scalar or empty container, or {@code null} for anything else. */
    static String small(JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
                return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(node.textValue())) + '"';
            case BOOLEAN:
                return node.booleanValue() ? "true" : "false";
            case NULL:
                return "null";
            case NUMBER:
                return node.isFloatingPointNumber() && !node.isBigDecimal() ? null : node.asText();
            case ARRAY:
                return node.isEmpty() ? "[]" : null;
            case OBJECT:
                return node.isEmpty() ? "{}" : null;
            default:
                return null;
        }
    }

    /** The text of {@code node}, or {@code null} when it is missing or JSON null. */
    public static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }
}
