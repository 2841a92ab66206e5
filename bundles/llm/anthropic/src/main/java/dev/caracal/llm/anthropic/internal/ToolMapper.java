package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;

/**
 * The {@code tools} of a Messages body ({@code name}, {@code description}, {@code input_schema}, {@code strict} as
 * Anthropic's strict tool use, each tool's {@code cache_control} breakpoint where the client put it) and its
 * {@code tool_choice}: {@code auto} / {@code any} (REQUIRED) / {@code tool} (named) / {@code none}, with
 * {@code disable_parallel_tool_use} for one call at a time; sent only with tools.
 */
final class ToolMapper {
    private ToolMapper() {}

    static void write(ChatRequest request, ObjectNode body) {
        if (request.tools().isEmpty()) {
            return;
        }
        ArrayNode tools = body.putArray("tools");
        for (ToolDefinition tool : request.tools()) {
            ObjectNode t = tools.addObject().put("name", tool.name());
            if (tool.description() != null && !tool.description().isEmpty()) {
                t.put("description", tool.description());
            }
            JsonNode schema = Json.tryParse(tool.inputSchemaJson());
            if (schema == null || !schema.isObject()) {
                throw RequestMapper.invalid("the input schema of tool " + tool.name() + " is not a JSON object");
            }
            t.set("input_schema", schema);
            if (tool.strict() != null) {
                t.put("strict", tool.strict()); // Anthropic's strict tool use
            }
            CacheMarkers.mark(t, tool.cacheControl());
        }
        ToolChoice choice = request.toolChoice();
        ObjectNode tc = body.putObject("tool_choice");
        switch (choice.mode()) {
            case AUTO -> tc.put("type", "auto");
            case NONE -> tc.put("type", "none");
            case REQUIRED -> tc.put("type", "any");
            case TOOL -> tc.put("type", "tool").put("name", choice.toolName());
            default -> throw RequestMapper.invalid("unknown tool choice " + choice.mode());
        }
        if (Boolean.FALSE.equals(choice.parallel()) && choice.mode() != ToolChoice.Mode.NONE) {
            tc.put("disable_parallel_tool_use", true);
        }
    }
}
