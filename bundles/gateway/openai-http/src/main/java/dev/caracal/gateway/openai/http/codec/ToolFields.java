package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The reads of {@code tools} and {@code tool_choice} that the Chat Completions and Responses parsers share: a function
 * tool's head and name, and the tool choice. Each endpoint keeps its own shape (Chat Completions nests a function under
 * {@code function}, the Responses API does not) and its own wording of a refusal ({@link Dialect}); every failure is a
 * 400 naming the field by the endpoint's path.
 */
public final class ToolFields {
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /** The endpoint whose request is read: where its named function choice keeps the name, how it words refusals. */
    public enum Dialect {
        /** Chat Completions: {@code {"type": "function", "function": {"name": ...}}}. */
        CHAT_COMPLETIONS,
        /** The Responses API: {@code {"type": "function", "name": ...}}. */
        RESPONSES;

        private String notAFunctionTool(String type) {
            return this == CHAT_COMPLETIONS
                    ? "only 'function' tools are supported, got '" + type + "'."
                    : "only 'function' tools are supported by this gateway; the built-in tool '" + type
                            + "' is not available.";
        }

        private String choices() {
            return this == CHAT_COMPLETIONS
                    ? "must be 'none', 'auto', 'required' or a named function."
                    : "must be 'none', 'auto', 'required' or a function to call.";
        }

        private String notAFunctionChoice(String type) {
            return this == CHAT_COMPLETIONS
                    ? "only 'function' is supported, got '" + type + "'."
                    : "only 'function' is supported by this gateway, got '" + type + "'.";
        }
    }

    private ToolFields() {}

    /** {@code tools[i]}: an object of type {@code function}, else a 400 on it or on its {@code type}. */
    public static JsonNode functionTool(JsonNode tools, int i, Dialect dialect) {
        String p = path("tools", i);
        JsonNode tool = tools.get(i);
        if (!tool.isObject()) {
            throw InvalidRequestException.type(p, "an object");
        }
        String type = Fields.requiredString(tool, "type", path(p, "type"));
        if (!type.equals("function")) {
            throw InvalidRequestException.unsupportedValue(path(p, "type"), dialect.notAFunctionTool(type));
        }
        return tool;
    }

    /**
     * The {@code name} member of {@code function}, at {@code param}: 1 to 64 letters, digits, underscores or dashes, and
     * none of the names in {@code seen}, to which it is added.
     */
    public static String name(JsonNode function, String param, Set<String> seen) {
        String name = Fields.requiredString(function, "name", param);
        if (!TOOL_NAME.matcher(name).matches()) {
            throw InvalidRequestException.value(
                    param, "must be 1 to 64 characters of a-z, A-Z, 0-9, underscores and dashes.");
        }
        if (!seen.add(name)) {
            throw InvalidRequestException.value(param, "duplicate tool name '" + name + "'.");
        }
        return name;
    }

    /**
     * {@code tool_choice}: {@code none}, {@code auto} (also when absent), {@code required}, or a named function among
     * {@code tools}; anything but {@code none} or {@code auto} only with tools.
     */
    public static ToolChoice choice(JsonNode body, List<ToolDefinition> tools, Dialect dialect) {
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
                default -> throw InvalidRequestException.value("tool_choice", dialect.choices());
            };
        } else if (choice.isObject()) {
            String type = Fields.requiredString(choice, "type", "tool_choice.type");
            if (!type.equals("function")) {
                throw InvalidRequestException.unsupportedValue("tool_choice.type", dialect.notAFunctionChoice(type));
            }
            String param;
            String name;
            if (dialect == Dialect.CHAT_COMPLETIONS) {
                JsonNode fn = Fields.required(choice, "function", "tool_choice.function");
                if (!fn.isObject()) {
                    throw InvalidRequestException.type("tool_choice.function", "an object");
                }
                param = "tool_choice.function.name";
                name = Fields.requiredNonEmptyString(fn, "name", param);
            } else {
                param = "tool_choice.name";
                name = Fields.requiredNonEmptyString(choice, "name", param);
            }
            if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                throw InvalidRequestException.value(param, "no tool named '" + name + "' is defined in 'tools'.");
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
