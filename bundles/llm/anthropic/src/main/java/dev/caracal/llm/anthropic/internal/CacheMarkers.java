package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.support.Json;

/**
 * Anthropic's prompt-cache breakpoints: a {@link CacheControl} goes on the block or tool it was on, as its
 * {@code cache_control} member, written byte for byte as the client sent it (what Anthropic adds to the marker later
 * passes through; the API judges the values).
 */
final class CacheMarkers {
    private CacheMarkers() {}

    /** {@code node} with {@code marker} as its {@code cache_control}; unchanged when {@code marker} is null. */
    static ObjectNode mark(ObjectNode node, CacheControl marker) {
        if (marker == null) {
            return node;
        }
        JsonNode parsed = Json.tryParse(marker.json());
        if (parsed == null || !parsed.isObject()) {
            throw RequestMapper.invalid("a cache_control marker is not a JSON object: " + marker.json());
        }
        node.putRawValue("cache_control", new RawValue(marker.json()));
        return node;
    }

    /** Whether {@code node} carries a {@code cache_control}. */
    static boolean marked(JsonNode node) {
        return node.has("cache_control");
    }
}
