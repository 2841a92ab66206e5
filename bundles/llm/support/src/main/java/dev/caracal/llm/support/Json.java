package dev.caracal.llm.support;

import com.fasterxml.jackson.core.JsonProcessingException;
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

    /** The compact JSON text of {@code node}. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of {@code node}, or {@code null} when it is missing or JSON null. */
    public static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }
}
