package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The members a message, a content block, an image source, a tool and a tool choice may have, so that one the reader
 * does not read is refused as Anthropic refuses it ({@code <path>: Extra inputs are not permitted}) instead of being
 * ignored. JSON {@code null} members say nothing and pass; a text block's {@code citations} (echoed from an answer)
 * pass when empty and are refused otherwise, since no block they could cite reaches a model through this gateway.
 */
final class BlockMembers {
    static final Set<String> MESSAGE = Set.of("role", "content");
    static final Set<String> TEXT = Set.of("type", "text", "cache_control", "citations");
    static final Set<String> IMAGE = Set.of("type", "source", "cache_control");
    static final Set<String> BASE64_SOURCE = Set.of("type", "media_type", "data");
    static final Set<String> URL_SOURCE = Set.of("type", "url");
    static final Set<String> TOOL_USE = Set.of("type", "id", "name", "input", "cache_control");
    static final Set<String> TOOL_RESULT = Set.of("type", "tool_use_id", "content", "is_error", "cache_control");
    static final Set<String> THINKING = Set.of("type", "thinking", "signature", "cache_control");
    static final Set<String> REDACTED_THINKING = Set.of("type", "data", "cache_control");
    static final Set<String> TOOL = Set.of("type", "name", "description", "input_schema", "strict", "cache_control");
    static final Set<String> TOOL_CHOICE = Set.of("type", "name", "disable_parallel_tool_use");

    private BlockMembers() {}

    /** Refuses a member of {@code obj} at {@code path} that is not {@code known}. */
    static void check(JsonNode obj, Set<String> known, String path) {
        Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey()) && !e.getValue().isNull()) {
                throw AnthropicError.invalid(path + "." + e.getKey(), "Extra inputs are not permitted");
            }
        }
        JsonNode citations = obj.get("citations");
        if (known == TEXT
                && citations != null
                && !citations.isNull()
                && !(citations.isArray() && citations.isEmpty())) {
            throw AnthropicError.invalid(
                    path + ".citations",
                    "citations of an earlier answer cannot be carried by this gateway; send the text without them");
        }
    }
}
