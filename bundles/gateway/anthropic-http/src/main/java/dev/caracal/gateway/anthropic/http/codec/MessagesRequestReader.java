package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates an Anthropic Messages API request body and translates it to a normalized {@link ChatRequest}. Every
 * rejection is an {@link AnthropicError} 400 whose message starts with the path of the offending field, as Anthropic
 * writes it ({@code messages.1.content.0.type: ...}).
 */
public final class MessagesRequestReader {

    /**
     * Metadata key under which {@code metadata.user_id} reaches the gateway's filters; the same key the OpenAI
     * ingress uses for its {@code user} field, so filters see one caller attribute whichever API was used.
     */
    public static final String METADATA_USER_ID = "user";

    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
    /** Accepted and ignored: hints that do not change the answer's content. */
    private static final Set<String> IGNORED_FIELDS = Set.of("service_tier", "cache_control", "inference_geo");
    /** Real Anthropic parameters this gateway cannot honour; refused rather than silently dropped. */
    private static final Set<String> UNSUPPORTED_FIELDS = Set.of(
            "container", "mcp_servers", "context_management", "output_config", "output_format", "speed", "diagnostics");

    private static final Set<String> KNOWN_FIELDS = Set.of(
            "model",
            "max_tokens",
            "messages",
            "system",
            "tools",
            "tool_choice",
            "temperature",
            "top_p",
            "top_k",
            "stop_sequences",
            "metadata",
            "stream",
            "thinking");

    private MessagesRequestReader() {}

    /** The normalized request for a {@code POST /v1/messages} body (a JSON object). */
    public static ChatRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw AnthropicError.invalid(null, "the request body must be a JSON object");
        }
        checkFields(body);
        String model = requiredString(body, "model");
        if (model.isBlank()) {
            throw AnthropicError.invalid("model", "must not be empty");
        }
        int maxTokens = maxTokens(body.get("max_tokens"));
        Double temperature = unitInterval(body, "temperature");
        Double topP = unitInterval(body, "top_p");
        Integer topK = topK(body.get("top_k"));
        boolean stream = optionalBoolean(body, "stream", false);
        Reasoning reasoning = thinking(body.get("thinking"), maxTokens);
        String system = system(body.get("system"));
        List<ToolDefinition> tools = tools(body.get("tools"));
        ToolChoice toolChoice = toolChoice(body.get("tool_choice"), tools);
        List<Message> messages = messages(body.get("messages"));
        List<String> stop = stopSequences(body.get("stop_sequences"));
        Map<String, String> metadata = metadata(body.get("metadata"));
        SamplingParameters sampling = new SamplingParameters(temperature, topP, topK, maxTokens, null, null, null);
        return new ChatRequest(model, system, messages, tools, toolChoice, sampling, stop, stream, metadata, reasoning);
    }

    private static void checkFields(JsonNode body) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (UNSUPPORTED_FIELDS.contains(name)) {
                throw AnthropicError.invalid(name, "this parameter is not supported by this gateway");
            }
            if (!KNOWN_FIELDS.contains(name) && !IGNORED_FIELDS.contains(name)) {
                throw AnthropicError.invalid(name, "Extra inputs are not permitted");
            }
        }
    }

    private static int maxTokens(JsonNode node) {
        if (node == null || node.isNull()) {
            throw AnthropicError.invalid("max_tokens", "Field required");
        }
        if (!node.isIntegralNumber()) {
            throw AnthropicError.invalid("max_tokens", "Input should be a valid integer");
        }
        if (!node.canConvertToInt() || node.intValue() < 1) {
            throw AnthropicError.invalid(
                    "max_tokens",
                    node.canConvertToInt() || node.asText().startsWith("-")
                            ? "Input should be greater than or equal to 1"
                            : "Input should be less than or equal to " + Integer.MAX_VALUE);
        }
        return node.intValue();
    }

    private static Double unitInterval(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw AnthropicError.invalid(field, "Input should be a valid number");
        }
        double v = node.doubleValue();
        if (v < 0 || v > 1) {
            throw AnthropicError.invalid(field, "Input should be between 0 and 1 (inclusive), got " + node.asText());
        }
        return v;
    }

    private static Integer topK(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw AnthropicError.invalid("top_k", "Input should be a valid integer");
        }
        if (node.intValue() < 1) {
            throw AnthropicError.invalid("top_k", "Input should be greater than or equal to 1");
        }
        return node.intValue();
    }

    /**
     * Extended thinking: {@code {"type":"enabled","budget_tokens":N}} is a {@link Reasoning#budget} of N,
     * {@code {"type":"disabled"}} (or no {@code thinking}) asks for nothing ({@code null}). Validated as Anthropic
     * does: the budget is an integer of at least {@link Reasoning#MIN_BUDGET_TOKENS} and below {@code max_tokens}
     * (the thinking counts within {@code max_tokens}). The optional {@code display} is accepted as
     * {@code "summarized"}, which is what the gateway gives; {@code "omitted"} and the other thinking types
     * ({@code adaptive}, {@code between_tools}) cannot be honoured and are refused.
     */
    private static Reasoning thinking(JsonNode node, int maxTokens) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw AnthropicError.invalid("thinking", "Input should be an object");
        }
        String type = requiredString(node, "type", "thinking");
        switch (type) {
            case "disabled":
                checkThinkingFields(node, Set.of("type"));
                return null;
            case "enabled": {
                checkThinkingFields(node, Set.of("type", "budget_tokens", "display"));
                int budget = budgetTokens(node.get("budget_tokens"), maxTokens);
                String display = optionalString(node, "display", "thinking");
                if (display != null && !display.equals("summarized")) {
                    throw AnthropicError.invalid(
                            "thinking.display",
                            display.equals("omitted")
                                    ? "display 'omitted' is not supported by this gateway; omit 'display' or set it to 'summarized'"
                                    : "Input should be 'summarized' or 'omitted'");
                }
                return Reasoning.budget(budget);
            }
            case "adaptive", "between_tools":
                throw AnthropicError.invalid(
                        "thinking.type",
                        "'" + type + "' thinking is not supported by this"
                                + " gateway; use 'enabled' (with budget_tokens) or 'disabled'");
            default:
                throw AnthropicError.invalid(
                        "thinking.type",
                        "Input tag '" + type + "' does not match any of the expected tags: 'enabled', 'disabled'");
        }
    }

    private static void checkThinkingFields(JsonNode thinking, Set<String> allowed) {
        Iterator<String> names = thinking.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw AnthropicError.invalid("thinking." + name, "Extra inputs are not permitted");
            }
        }
    }

    private static int budgetTokens(JsonNode node, int maxTokens) {
        String path = "thinking.budget_tokens";
        if (node == null || node.isNull()) {
            throw AnthropicError.invalid(path, "Field required");
        }
        if (!node.isIntegralNumber()) {
            throw AnthropicError.invalid(path, "Input should be a valid integer");
        }
        boolean fitsInt = node.canConvertToInt();
        if (fitsInt
                ? node.intValue() < Reasoning.MIN_BUDGET_TOKENS
                : node.asText().startsWith("-")) {
            throw AnthropicError.invalid(
                    path, "Input should be greater than or equal to " + Reasoning.MIN_BUDGET_TOKENS);
        }
        if (!fitsInt || node.intValue() >= maxTokens) {
            throw AnthropicError.invalid(
                    path,
                    "must be less than max_tokens (budget_tokens " + node.asText() + ", max_tokens " + maxTokens
                            + "): the thinking counts within max_tokens");
        }
        return node.intValue();
    }

    private static String system(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText().isEmpty() ? null : node.asText();
        }
        if (!node.isArray()) {
            throw AnthropicError.invalid("system", "Input should be a string or an array of text blocks");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "system." + i;
            JsonNode block = node.get(i);
            if (!block.isObject()) {
                throw AnthropicError.invalid(path, "Input should be an object");
            }
            String type = requiredString(block, "type", path);
            if (!type.equals("text")) {
                throw AnthropicError.invalid(path + ".type", "Input should be 'text'");
            }
            String text = requiredString(block, "text", path);
            if (text.isEmpty()) {
                throw AnthropicError.invalid(path + ".text", "text content blocks must be non-empty");
            }
            texts.add(text);
        }
        return texts.isEmpty() ? null : String.join("\n\n", texts);
    }

    private static List<ToolDefinition> tools(JsonNode node) {
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
            String name = requiredString(tool, "name", path);
            if (!TOOL_NAME.matcher(name).matches()) {
                throw AnthropicError.invalid(path + ".name", "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
            }
            if (!names.add(name)) {
                throw AnthropicError.invalid("tools", "Tool names must be unique; '" + name + "' appears twice");
            }
            String description = optionalString(tool, "description", path);
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
            tools.add(new ToolDefinition(name, description, schema.toString()));
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode node, List<ToolDefinition> tools) {
        if (node == null || node.isNull()) {
            return ToolChoice.AUTO;
        }
        if (!node.isObject()) {
            throw AnthropicError.invalid("tool_choice", "Input should be an object");
        }
        String type = requiredString(node, "type", "tool_choice");
        optionalBoolean(node, "disable_parallel_tool_use", false, "tool_choice.disable_parallel_tool_use");
        ToolChoice choice = switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "none" -> ToolChoice.NONE;
            case "any" -> ToolChoice.REQUIRED;
            case "tool" -> {
                String name = requiredString(node, "name", "tool_choice");
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
        return choice;
    }

    private static List<Message> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw AnthropicError.invalid("messages", "Field required");
        }
        if (!node.isArray()) {
            throw AnthropicError.invalid("messages", "Input should be a valid list");
        }
        if (node.isEmpty()) {
            throw AnthropicError.invalid("messages", "at least one message is required");
        }
        List<Message> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String path = "messages." + i;
            JsonNode message = node.get(i);
            if (!message.isObject()) {
                throw AnthropicError.invalid(path, "Input should be an object");
            }
            String roleName = requiredString(message, "role", path);
            Role role = switch (roleName) {
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                case "system" ->
                    throw AnthropicError.invalid(
                            path + ".role",
                            "system-role messages are not supported"
                                    + " by this gateway; put system instructions in the top-level 'system' parameter");
                default -> throw AnthropicError.invalid(path + ".role", "Input should be 'user' or 'assistant'");
            };
            boolean last = i == node.size() - 1;
            List<ContentPart> content = content(message.get("content"), role, path + ".content");
            if (content.isEmpty() && !(last && role == Role.ASSISTANT)) {
                throw AnthropicError.invalid(
                        path,
                        "all messages must have non-empty content except for the optional"
                                + " final assistant message");
            }
            messages.add(new Message(role, content));
        }
        return messages;
    }

    private static List<ContentPart> content(JsonNode node, Role role, String path) {
        if (node == null || node.isNull()) {
            throw AnthropicError.invalid(path, "Field required");
        }
        if (node.isTextual()) {
            return node.asText().isEmpty() ? List.of() : List.of(new ContentPart.Text(node.asText()));
        }
        if (!node.isArray()) {
            throw AnthropicError.invalid(path, "Input should be a string or a list of content blocks");
        }
        List<ContentPart> parts = new ArrayList<>(node.size());
        for (int j = 0; j < node.size(); j++) {
            parts.add(block(node.get(j), role, path + "." + j));
        }
        return parts;
    }

    private static ContentPart block(JsonNode block, Role role, String path) {
        if (!block.isObject()) {
            throw AnthropicError.invalid(path, "Input should be an object");
        }
        String type = requiredString(block, "type", path);
        switch (type) {
            case "text":
                return text(block, path);
            case "image":
                if (role != Role.USER) {
                    throw AnthropicError.invalid(path + ".type", "image blocks are only allowed in user messages");
                }
                return image(block, path);
            case "tool_use": {
                if (role != Role.ASSISTANT) {
                    throw AnthropicError.invalid(
                            path + ".type", "tool_use blocks are only allowed in assistant messages");
                }
                String id = requiredString(block, "id", path);
                String name = requiredString(block, "name", path);
                JsonNode input = block.get("input");
                if (input == null || input.isNull()) {
                    throw AnthropicError.invalid(path + ".input", "Field required");
                }
                if (!input.isObject()) {
                    throw AnthropicError.invalid(path + ".input", "Input should be an object");
                }
                return new ContentPart.ToolUse(id, name, input.toString());
            }
            case "tool_result":
                if (role != Role.USER) {
                    throw AnthropicError.invalid(
                            path + ".type", "tool_result blocks are only allowed in user messages");
                }
                return toolResult(block, path);
            case "thinking": {
                requireAssistant(role, type, path);
                String text = requiredString(block, "thinking", path);
                String signature = requiredString(block, "signature", path);
                // "" is what this ingress writes for thinking its upstream did not sign: it comes back as no signature
                return new ContentPart.Thinking(text, signature.isEmpty() ? null : signature);
            }
            case "redacted_thinking":
                requireAssistant(role, type, path);
                return new ContentPart.RedactedThinking(requiredString(block, "data", path));
            case "document",
                    "search_result",
                    "server_tool_use",
                    "web_search_tool_result",
                    "web_fetch_tool_result",
                    "code_execution_tool_result",
                    "mcp_tool_use",
                    "mcp_tool_result",
                    "container_upload",
                    "tool_reference":
                throw AnthropicError.invalid(path + ".type", "'" + type + "' blocks are not supported by this gateway");
            default:
                throw AnthropicError.invalid(
                        path + ".type",
                        "Input tag '" + type
                                + "' does not match any of the expected tags: 'text', 'image', 'tool_use', 'tool_result',"
                                + " 'thinking', 'redacted_thinking'");
        }
    }

    /** Thinking is the model's own: its blocks belong to the assistant turns they were answered in. */
    private static void requireAssistant(Role role, String type, String path) {
        if (role != Role.ASSISTANT) {
            throw AnthropicError.invalid(path + ".type", type + " blocks are only allowed in assistant messages");
        }
    }

    private static ContentPart.Text text(JsonNode block, String path) {
        String text = requiredString(block, "text", path);
        if (text.isEmpty()) {
            throw AnthropicError.invalid(path + ".text", "text content blocks must be non-empty");
        }
        return new ContentPart.Text(text);
    }

    private static ContentPart.Image image(JsonNode block, String path) {
        JsonNode source = block.get("source");
        String sp = path + ".source";
        if (source == null || source.isNull()) {
            throw AnthropicError.invalid(sp, "Field required");
        }
        if (!source.isObject()) {
            throw AnthropicError.invalid(sp, "Input should be an object");
        }
        String type = requiredString(source, "type", sp);
        switch (type) {
            case "base64": {
                String mediaType = requiredString(source, "media_type", sp);
                if (!IMAGE_TYPES.contains(mediaType)) {
                    throw AnthropicError.invalid(
                            sp + ".media_type",
                            "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
                }
                String data = requiredString(source, "data", sp);
                if (data.isEmpty()) {
                    throw AnthropicError.invalid(sp + ".data", "image data must not be empty");
                }
                return new ContentPart.Image(mediaType, data, null);
            }
            case "url": {
                String url = requiredString(source, "url", sp);
                if (!(url.startsWith("https://") || url.startsWith("http://"))) {
                    throw AnthropicError.invalid(sp + ".url", "must be an http or https URL");
                }
                return new ContentPart.Image(null, null, url);
            }
            case "file":
                throw AnthropicError.invalid(
                        sp + ".type", "file sources (Files API) are not supported by this gateway");
            default:
                throw AnthropicError.invalid(
                        sp + ".type",
                        "Input tag '" + type + "' does not match any of the expected tags: 'base64', 'url'");
        }
    }

    private static ContentPart.ToolResult toolResult(JsonNode block, String path) {
        String toolUseId = requiredString(block, "tool_use_id", path);
        boolean isError = optionalBoolean(block, "is_error", false, path + ".is_error");
        JsonNode content = block.get("content");
        List<ContentPart> parts = new ArrayList<>();
        String cp = path + ".content";
        if (content == null || content.isNull()) {
            // no content: an empty result
        } else if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                parts.add(new ContentPart.Text(content.asText()));
            }
        } else if (content.isArray()) {
            for (int k = 0; k < content.size(); k++) {
                String bp = cp + "." + k;
                JsonNode inner = content.get(k);
                if (!inner.isObject()) {
                    throw AnthropicError.invalid(bp, "Input should be an object");
                }
                String type = requiredString(inner, "type", bp);
                switch (type) {
                    case "text" -> parts.add(text(inner, bp));
                    case "image" -> parts.add(image(inner, bp));
                    default ->
                        throw AnthropicError.invalid(
                                bp + ".type",
                                "'" + type
                                        + "' blocks are not supported in tool results by this gateway; use 'text' or 'image'");
                }
            }
        } else {
            throw AnthropicError.invalid(cp, "Input should be a string or a list of content blocks");
        }
        return new ContentPart.ToolResult(toolUseId, parts, isError);
    }

    private static List<String> stopSequences(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw AnthropicError.invalid("stop_sequences", "Input should be a valid list");
        }
        List<String> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            if (!s.isTextual()) {
                throw AnthropicError.invalid("stop_sequences." + i, "Input should be a valid string");
            }
            if (s.asText().isBlank()) {
                throw AnthropicError.invalid("stop_sequences." + i, "stop sequences must contain non-whitespace");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw AnthropicError.invalid("metadata", "Input should be an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("user_id")) {
                throw AnthropicError.invalid("metadata." + name, "Extra inputs are not permitted");
            }
        }
        JsonNode user = node.get("user_id");
        if (user != null && !user.isNull()) {
            if (!user.isTextual()) {
                throw AnthropicError.invalid("metadata.user_id", "Input should be a valid string");
            }
            if (user.asText().length() > 256) {
                throw AnthropicError.invalid("metadata.user_id", "String should have at most 256 characters");
            }
            out.put(METADATA_USER_ID, user.asText());
        }
        return out;
    }

    private static String requiredString(JsonNode obj, String field) {
        return requiredString(obj, field, null);
    }

    private static String requiredString(JsonNode obj, String field, String parent) {
        String path = parent == null ? field : parent + "." + field;
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            throw AnthropicError.invalid(path, "Field required");
        }
        if (!v.isTextual()) {
            throw AnthropicError.invalid(path, "Input should be a valid string");
        }
        return v.asText();
    }

    private static String optionalString(JsonNode obj, String field, String parent) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw AnthropicError.invalid(parent + "." + field, "Input should be a valid string");
        }
        return v.asText();
    }

    private static boolean optionalBoolean(JsonNode obj, String field, boolean dflt) {
        return optionalBoolean(obj, field, dflt, field);
    }

    private static boolean optionalBoolean(JsonNode obj, String field, boolean dflt, String path) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw AnthropicError.invalid(path, "Input should be a valid boolean");
        }
        return v.booleanValue();
    }

    /** Parses a tool call's arguments, as a JSON object, or {@code null} when they are not one. */
    static JsonNode parseObject(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(json);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
