package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code messages} of a Messages request and their content blocks (text, image, tool_use, tool_result, thinking,
 * redacted_thinking), each allowed only in the role Anthropic allows it in; block types this gateway cannot carry are
 * refused by name. A {@code cache_control} breakpoint is kept on the block it was on (text, image, tool_use,
 * tool_result, and the text and image blocks inside a tool result); thinking blocks cannot carry one, as in
 * Anthropic's API.
 */
final class MessageReader {
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private MessageReader() {}

    static List<Message> messages(JsonNode node) {
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
            BlockMembers.check(message, BlockMembers.MESSAGE, path);
            String roleName = RequestFields.requiredString(message, "role", path);
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
        String type = RequestFields.requiredString(block, "type", path);
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
                BlockMembers.check(block, BlockMembers.TOOL_USE, path);
                String id = RequestFields.requiredString(block, "id", path);
                String name = RequestFields.requiredString(block, "name", path);
                JsonNode input = block.get("input");
                if (input == null || input.isNull()) {
                    throw AnthropicError.invalid(path + ".input", "Field required");
                }
                if (!input.isObject()) {
                    throw AnthropicError.invalid(path + ".input", "Input should be an object");
                }
                return new ContentPart.ToolUse(id, name, input.toString(), RequestFields.cacheControl(block, path));
            }
            case "tool_result":
                if (role != Role.USER) {
                    throw AnthropicError.invalid(
                            path + ".type", "tool_result blocks are only allowed in user messages");
                }
                return toolResult(block, path);
            case "thinking": {
                requireAssistant(role, type, path);
                refuseCacheControl(block, type, path);
                BlockMembers.check(block, BlockMembers.THINKING, path);
                String text = RequestFields.requiredString(block, "thinking", path);
                String signature = RequestFields.requiredString(block, "signature", path);
                // "" is what this ingress writes for thinking its upstream did not sign: it comes back as no signature
                return new ContentPart.Thinking(text, signature.isEmpty() ? null : signature);
            }
            case "redacted_thinking":
                requireAssistant(role, type, path);
                refuseCacheControl(block, type, path);
                BlockMembers.check(block, BlockMembers.REDACTED_THINKING, path);
                return new ContentPart.RedactedThinking(RequestFields.requiredString(block, "data", path));
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

    /** Thinking is cached with the turn around it; Anthropic does not let a client mark it. */
    private static void refuseCacheControl(JsonNode block, String type, String path) {
        if (block.hasNonNull("cache_control")) {
            throw AnthropicError.invalid(
                    path + ".cache_control",
                    type + " blocks cannot be marked with cache_control; mark a block before or after it");
        }
    }

    /** A text block (of a message, of a tool result, of the system prompt) with its cache breakpoint. */
    static ContentPart.Text text(JsonNode block, String path) {
        BlockMembers.check(block, BlockMembers.TEXT, path);
        String text = RequestFields.requiredString(block, "text", path);
        if (text.isEmpty()) {
            throw AnthropicError.invalid(path + ".text", "text content blocks must be non-empty");
        }
        return new ContentPart.Text(text, RequestFields.cacheControl(block, path));
    }

    private static ContentPart.Image image(JsonNode block, String path) {
        BlockMembers.check(block, BlockMembers.IMAGE, path);
        JsonNode source = block.get("source");
        String sp = path + ".source";
        if (source == null || source.isNull()) {
            throw AnthropicError.invalid(sp, "Field required");
        }
        if (!source.isObject()) {
            throw AnthropicError.invalid(sp, "Input should be an object");
        }
        String type = RequestFields.requiredString(source, "type", sp);
        switch (type) {
            case "base64": {
                BlockMembers.check(source, BlockMembers.BASE64_SOURCE, sp);
                String mediaType = RequestFields.requiredString(source, "media_type", sp);
                if (!IMAGE_TYPES.contains(mediaType)) {
                    throw AnthropicError.invalid(
                            sp + ".media_type",
                            "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
                }
                String data = RequestFields.requiredString(source, "data", sp);
                if (data.isEmpty()) {
                    throw AnthropicError.invalid(sp + ".data", "image data must not be empty");
                }
                return new ContentPart.Image(mediaType, data, null, null, RequestFields.cacheControl(block, path));
            }
            case "url": {
                BlockMembers.check(source, BlockMembers.URL_SOURCE, sp);
                String url = RequestFields.requiredString(source, "url", sp);
                if (!(url.startsWith("https://") || url.startsWith("http://"))) {
                    throw AnthropicError.invalid(sp + ".url", "must be an http or https URL");
                }
                return new ContentPart.Image(null, null, url, null, RequestFields.cacheControl(block, path));
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
        BlockMembers.check(block, BlockMembers.TOOL_RESULT, path);
        String toolUseId = RequestFields.requiredString(block, "tool_use_id", path);
        boolean isError = RequestFields.optionalBoolean(block, "is_error", false, path + ".is_error");
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
                String type = RequestFields.requiredString(inner, "type", bp);
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
        return new ContentPart.ToolResult(toolUseId, parts, isError, RequestFields.cacheControl(block, path));
    }
}
