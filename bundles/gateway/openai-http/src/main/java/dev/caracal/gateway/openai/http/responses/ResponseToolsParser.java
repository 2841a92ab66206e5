package dev.caracal.gateway.openai.http.responses;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.Fields;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Responses API's {@code tools} and {@code tool_choice}: function tools ({@code name}, {@code description},
 * {@code parameters}, {@code strict}, flat, not under {@code function} as in Chat Completions) become
 * {@link ToolDefinition}s; built-in tools (web search, file search, computer use, code interpreter, image generation,
 * MCP, custom tools) are a 400 naming them, since no provider behind the gateway runs them.
 */
final class ResponseToolsParser {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /** The tools read, and the {@code tools} array the response object repeats. */
    record Tools(List<ToolDefinition> definitions, ArrayNode echo) {}

    private ResponseToolsParser() {}

    static Tools tools(JsonNode body) {
        ArrayNode echo = F.arrayNode();
        JsonNode array = Fields.optionalArray(body, "tools", "tools");
        if (array == null) {
            return new Tools(List.of(), echo);
        }
        List<ToolDefinition> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String p = path("tools", i);
            JsonNode tool = array.get(i);
            if (!tool.isObject()) {
                throw InvalidRequestException.type(p, "an object");
            }
            String type = Fields.requiredString(tool, "type", path(p, "type"));
            if (!type.equals("function")) {
                throw InvalidRequestException.unsupportedValue(
                        path(p, "type"),
                        "only 'function' tools are supported by this gateway; the built-in tool '" + type
                                + "' is not available.");
            }
            String name = Fields.requiredString(tool, "name", path(p, "name"));
            if (!TOOL_NAME.matcher(name).matches()) {
                throw InvalidRequestException.value(
                        path(p, "name"), "must be 1 to 64 characters of a-z, A-Z, 0-9, underscores and dashes.");
            }
            if (!names.add(name)) {
                throw InvalidRequestException.value(path(p, "name"), "duplicate tool name '" + name + "'.");
            }
            String description = Fields.optionalString(tool, "description", path(p, "description"));
            JsonNode params = Fields.optionalObject(tool, "parameters", path(p, "parameters"));
            JsonNode strictNode = get(tool, "strict");
            if (strictNode != null && !strictNode.isBoolean()) {
                throw InvalidRequestException.type(path(p, "strict"), "a boolean");
            }
            Boolean strict = strictNode == null ? null : strictNode.booleanValue();
            tools.add(new ToolDefinition(name, description, params == null ? null : params.toString(), strict));
            ObjectNode e = echo.addObject();
            e.put("type", "function");
            e.put("name", name);
            if (description != null) {
                e.put("description", description);
            }
            e.set("parameters", params == null ? F.nullNode() : params.deepCopy());
            e.set("strict", strictNode == null ? F.nullNode() : strictNode);
        }
        return new Tools(tools, echo);
    }

    /** {@code tool_choice}: {@code none}, {@code auto}, {@code required}, or {@code {type: function, name}}. */
    static ToolChoice toolChoice(JsonNode body, List<ToolDefinition> tools) {
        JsonNode choice = get(body, "tool_choice");
        if (choice == null) {
            return ToolChoice.AUTO;
        }
        ToolChoice result;
        if (choice.isTextual()) {
            result = switch (choice.textValue()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default ->
                    throw InvalidRequestException.value(
                            "tool_choice", "must be 'none', 'auto', 'required' or a function to call.");
            };
        } else if (choice.isObject()) {
            String type = Fields.requiredString(choice, "type", "tool_choice.type");
            if (!type.equals("function")) {
                throw InvalidRequestException.unsupportedValue(
                        "tool_choice.type", "only 'function' is supported by this gateway, got '" + type + "'.");
            }
            String name = Fields.requiredNonEmptyString(choice, "name", "tool_choice.name");
            if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                throw InvalidRequestException.value(
                        "tool_choice.name", "no tool named '" + name + "' is defined in 'tools'.");
            }
            result = ToolChoice.tool(name);
        } else {
            throw InvalidRequestException.type("tool_choice", "a string or an object");
        }
        if (tools.isEmpty() && result.mode() != ToolChoice.Mode.AUTO && result.mode() != ToolChoice.Mode.NONE) {
            throw InvalidRequestException.value("tool_choice", "only allowed when 'tools' are specified.");
        }
        return result;
    }
}
