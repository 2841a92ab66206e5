package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code tools} of a Messages request (custom tools only: a unique name, an optional description, an object
 * {@code input_schema}, {@code strict}, a {@code cache_control} breakpoint) and its {@code tool_choice}, which may
 * only name a tool that is defined.
 */
final class ToolReader {
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");

    private ToolReader() {}

    static List<ToolDefinition> tools(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw AnthropicError.invalid("tools", "Input should be a valid list");
        }
        List<ToolDefinition> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "tools." + i;
            JsonNode tool = node.get(i);
            if (!tool.isObject()) {
                throw AnthropicError.invalid(path, "Input should be an object");
            }
            JsonNode type = tool.get("type");
            if (type != null
                    && !type.isNull()
                    && !(type.isTextual() && type.asText().equals("custom"))) {
                throw AnthropicError.invalid(
                        path + ".type",
                        "server tools ('" + type.asText()
                                + "') are not supported by this gateway; only custom tools (type 'custom' or absent) are");
            }
            BlockMembers.check(tool, BlockMembers.TOOL, path);
            String name = RequestFields.requiredString(tool, "name", path);
            if (!TOOL_NAME.matcher(name).matches()) {
                throw AnthropicError.invalid(path + ".name", "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
            }
            if (!names.add(name)) {
                throw AnthropicError.invalid("tools", "Tool names must be unique; '" + name + "' appears twice");
            }
            String description = RequestFields.optionalString(tool, "description", path);
            JsonNode schema = tool.get("input_schema");
            if (schema == null || schema.isNull()) {
                throw AnthropicError.invalid(path + ".input_schema", "Field required");
            }
            if (!schema.isObject()) {
                throw AnthropicError.invalid(path + ".input_schema", "Input should be a JSON schema object");
            }
            JsonNode schemaType = schema.get("type");
            if (schemaType == null
                    || !schemaType.isTextual()
                    || !schemaType.asText().equals("object")) {
                throw AnthropicError.invalid(path + ".input_schema.type", "Input should be 'object'");
            }
            Boolean strict = tool.hasNonNull("strict")
                    ? RequestFields.optionalBoolean(tool, "strict", false, path + ".strict")
                    : null;
            tools.add(new ToolDefinition(
                    name, description, schema.toString(), strict, RequestFields.cacheControl(tool, path)));
        }
        return tools;
    }

    static ToolChoice toolChoice(JsonNode node, List<ToolDefinition> tools) {
        if (node == null || node.isNull()) {
            return ToolChoice.AUTO;
        }
        if (!node.isObject()) {
            throw AnthropicError.invalid("tool_choice", "Input should be an object");
        }
        BlockMembers.check(node, BlockMembers.TOOL_CHOICE, "tool_choice");
        String type = RequestFields.requiredString(node, "type", "tool_choice");
        boolean oneAtATime = RequestFields.optionalBoolean(
                node, "disable_parallel_tool_use", false, "tool_choice.disable_parallel_tool_use");
        Boolean parallel = node.hasNonNull("disable_parallel_tool_use") ? !oneAtATime : null;
        ToolChoice choice = switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "none" -> ToolChoice.NONE;
            case "any" -> ToolChoice.REQUIRED;
            case "tool" -> {
                String name = RequestFields.requiredString(node, "name", "tool_choice");
                if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                    throw AnthropicError.invalid(
                            "tool_choice.name", "no tool named '" + name + "' is defined in 'tools'");
                }
                yield ToolChoice.tool(name);
            }
            default ->
                throw AnthropicError.invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
        };
        if ((choice.mode() == ToolChoice.Mode.REQUIRED) && tools.isEmpty()) {
            throw AnthropicError.invalid("tool_choice", "tool_choice 'any' requires 'tools'");
        }
        return choice.withParallel(parallel);
    }
}
