package dev.caracal.gateway.openai.http.responses;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.Fields;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.gateway.openai.http.codec.ToolFields;
import dev.caracal.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Responses API's {@code tools} (its {@code tool_choice} is {@link ToolFields#choice}): function tools ({@code name}, {@code description},
 * {@code parameters}, {@code strict}, flat, not under {@code function} as in Chat Completions) become
 * {@link ToolDefinition}s; built-in tools (web search, file search, computer use, code interpreter, image generation,
 * MCP, custom tools) are a 400 naming them, since no provider behind the gateway runs them.
 */
final class ResponseToolsParser {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

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
            JsonNode tool = ToolFields.functionTool(array, i, ToolFields.Dialect.RESPONSES);
            String name = ToolFields.name(tool, path(p, "name"), names);
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
}
