package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code messages} of a Chat Completions request, validated the way OpenAI validates them (roles, content parts,
 * images as URLs or base64 {@code data:} URLs, tool calls and tool results), each failure a 400 naming the field.
 * A content part's {@code cache_control} (the LiteLLM/OpenRouter convention for Claude's prompt caching) is kept on
 * the part it was on ({@link CacheControls}).
 */
final class ChatMessagesParser {
    private ChatMessagesParser() {}

    /**
     * The conversation of {@code body.messages}: system and developer messages' text is added to {@code system} as
     * blocks (one per message, split after each part with a cache breakpoint), the others become messages in order.
     */
    static List<Message> parse(JsonNode body, List<ContentPart.Text> system) {
        JsonNode array = Fields.required(body, "messages", "messages");
        if (!array.isArray()) {
            throw InvalidRequestException.type("messages", "an array");
        }
        if (array.isEmpty()) {
            throw InvalidRequestException.value("messages", "must contain at least one message.");
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String p = path("messages", i);
            JsonNode m = array.get(i);
            if (!m.isObject()) {
                throw InvalidRequestException.type(p, "an object");
            }
            String role = Fields.requiredString(m, "role", path(p, "role"));
            MessageMembers.checkMessage(m, role, p);
            CacheControl marker = CacheControls.read(m, p);
            switch (role) {
                case "system", "developer" -> {
                    if (m.hasNonNull("name")) {
                        // system and developer messages are joined into one system prompt, which has no speaker
                        throw InvalidRequestException.unsupportedValue(
                                path(p, "name"),
                                "a name on a " + role + " message cannot be carried: this gateway joins system and"
                                        + " developer messages into one system prompt. Leave it out.");
                    }
                    system.addAll(textBlocks(m, path(p, "content"), false, marker));
                }
                case "user" ->
                    messages.add(new Message(
                            Role.USER,
                            MessageMembers.markLast(userContent(m, path(p, "content")), marker),
                            name(m, p)));
                case "assistant" ->
                    messages.add(new Message(
                            Role.ASSISTANT, MessageMembers.markLast(assistantContent(m, p), marker), name(m, p)));
                case "tool" -> addToolResult(messages, m, p, marker);
                case "function" ->
                    throw InvalidRequestException.unsupportedValue(
                            path(p, "role"), "'function' messages are deprecated; use 'tool' messages.");
                default ->
                    throw InvalidRequestException.value(
                            path(p, "role"),
                            "must be one of 'system', 'developer', 'user', 'assistant' or 'tool', got '" + role + "'.");
            }
        }
        if (messages.isEmpty()) {
            throw InvalidRequestException.value(
                    "messages", "must contain at least one user, assistant or tool message besides system messages.");
        }
        return messages;
    }

    /** The participant {@code name} of a user or assistant message, or {@code null}. */
    private static String name(JsonNode message, String p) {
        String name = Fields.optionalString(message, "name", path(p, "name"));
        if (name != null && name.isEmpty()) {
            throw InvalidRequestException.value(path(p, "name"), "must not be empty.");
        }
        return name;
    }

    /**
     * Text content: a string, or an array of {@code text} parts (and {@code refusal} parts when allowed), as one
     * text block, split after each part that carries a cache breakpoint ({@link CacheControls#blocks}).
     */
    private static List<ContentPart.Text> textBlocks(
            JsonNode message, String p, boolean allowRefusal, CacheControl messageMarker) {
        JsonNode content = Fields.required(message, "content", p);
        if (content.isTextual()) {
            return List.of(new ContentPart.Text(content.textValue(), messageMarker));
        }
        if (!content.isArray()) {
            throw InvalidRequestException.type(p, "a string or an array of content parts");
        }
        List<String> texts = new ArrayList<>();
        List<CacheControl> markers = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            texts.add(textPart(content.get(i), path(p, i), allowRefusal));
            markers.add(CacheControls.read(content.get(i), path(p, i)));
        }
        if (messageMarker != null && !markers.isEmpty() && markers.get(markers.size() - 1) == null) {
            markers.set(markers.size() - 1, messageMarker); // the message as a whole: its last part
        }
        return CacheControls.blocks(texts, markers);
    }

    private static String textPart(JsonNode part, String p, boolean allowRefusal) {
        if (!part.isObject()) {
            throw InvalidRequestException.type(p, "an object");
        }
        MessageMembers.checkPart(part, p);
        String type = Fields.requiredString(part, "type", path(p, "type"));
        if (type.equals("text")) {
            return Fields.requiredString(part, "text", path(p, "text"));
        }
        if (allowRefusal && type.equals("refusal")) {
            return Fields.requiredString(part, "refusal", path(p, "refusal"));
        }
        throw InvalidRequestException.value(
                path(p, "type"), "expected 'text'" + (allowRefusal ? " or 'refusal'" : "") + ", got '" + type + "'.");
    }

    private static List<ContentPart> userContent(JsonNode message, String p) {
        JsonNode content = Fields.required(message, "content", p);
        if (content.isTextual()) {
            return List.of(new ContentPart.Text(content.textValue()));
        }
        if (!content.isArray()) {
            throw InvalidRequestException.type(p, "a string or an array of content parts");
        }
        if (content.isEmpty()) {
            throw InvalidRequestException.value(p, "must contain at least one content part.");
        }
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            String pp = path(p, i);
            JsonNode part = content.get(i);
            if (!part.isObject()) {
                throw InvalidRequestException.type(pp, "an object");
            }
            MessageMembers.checkPart(part, pp);
            String type = Fields.requiredString(part, "type", path(pp, "type"));
            switch (type) {
                case "text" ->
                    parts.add(new ContentPart.Text(
                            Fields.requiredString(part, "text", path(pp, "text")), CacheControls.read(part, pp)));
                case "image_url" -> parts.add(marked(image(part, path(pp, "image_url")), CacheControls.read(part, pp)));
                case "input_audio", "file" ->
                    throw InvalidRequestException.unsupportedValue(
                            path(pp, "type"), "'" + type + "' content parts are not supported by this gateway.");
                default ->
                    throw InvalidRequestException.value(
                            path(pp, "type"), "expected 'text' or 'image_url', got '" + type + "'.");
            }
        }
        return parts;
    }

    private static ContentPart.Image image(JsonNode part, String p) {
        JsonNode img = Fields.required(part, "image_url", p);
        String url;
        String urlPath;
        String detail = null;
        if (img.isTextual()) {
            url = img.textValue();
            urlPath = p;
        } else if (img.isObject()) {
            urlPath = path(p, "url");
            url = Fields.requiredString(img, "url", urlPath);
            detail = Fields.optionalString(img, "detail", path(p, "detail"));
            if (detail != null && !Set.of("auto", "low", "high").contains(detail)) {
                throw InvalidRequestException.value(path(p, "detail"), "must be 'auto', 'low' or 'high'.");
            }
        } else {
            throw InvalidRequestException.type(p, "an object");
        }
        ContentPart.Image image = ImageUrls.image(url, urlPath);
        return new ContentPart.Image(image.mediaType(), image.data(), image.url(), detail);
    }

    private static ContentPart.Image marked(ContentPart.Image image, CacheControl marker) {
        return marker == null
                ? image
                : new ContentPart.Image(image.mediaType(), image.data(), image.url(), image.detail(), marker);
    }

    private static List<ContentPart> assistantContent(JsonNode message, String p) {
        List<ContentPart> parts = new ArrayList<>();
        JsonNode reasoning = get(message, "reasoning_content");
        if (reasoning != null && reasoning.isTextual() && !reasoning.textValue().isEmpty()) {
            parts.add(new ContentPart.Thinking(reasoning.textValue(), null));
        }
        if (get(message, "content") != null) {
            for (ContentPart.Text block : textBlocks(message, path(p, "content"), true, null)) {
                if (!block.text().isEmpty() || block.cacheControl() != null) {
                    parts.add(block);
                }
            }
        }
        // an echoed answer's refusal: what the assistant said, so part of the conversation
        String refusal = Fields.optionalString(message, "refusal", path(p, "refusal"));
        if (refusal != null && !refusal.isEmpty()) {
            parts.add(new ContentPart.Text(refusal));
        }
        if (get(message, "function_call") != null) {
            throw InvalidRequestException.unsupported(path(p, "function_call"), "deprecated; use 'tool_calls'.");
        }
        JsonNode calls = Fields.optionalArray(message, "tool_calls", path(p, "tool_calls"));
        if (calls != null) {
            for (int j = 0; j < calls.size(); j++) {
                String cp = path(path(p, "tool_calls"), j);
                JsonNode call = calls.get(j);
                if (!call.isObject()) {
                    throw InvalidRequestException.type(cp, "an object");
                }
                String type = Fields.optionalString(call, "type", path(cp, "type"));
                if (type != null && !type.equals("function")) {
                    throw InvalidRequestException.unsupportedValue(
                            path(cp, "type"), "only 'function' tool calls are supported.");
                }
                MessageMembers.check(call, MessageMembers.TOOL_CALL, cp, "a tool call");
                String id = Fields.requiredNonEmptyString(call, "id", path(cp, "id"));
                JsonNode fn = Fields.required(call, "function", path(cp, "function"));
                if (!fn.isObject()) {
                    throw InvalidRequestException.type(path(cp, "function"), "an object");
                }
                MessageMembers.check(
                        fn, MessageMembers.TOOL_CALL_FUNCTION, path(cp, "function"), "a tool call's function");
                String name = Fields.requiredNonEmptyString(fn, "name", path(cp, "function.name"));
                String arguments = Fields.requiredString(fn, "arguments", path(cp, "function.arguments"));
                parts.add(new ContentPart.ToolUse(id, name, arguments));
            }
        }
        boolean answered = parts.stream().anyMatch(part -> !(part instanceof ContentPart.Thinking));
        if (!answered && get(message, "content") == null) {
            throw InvalidRequestException.missing(path(p, "content"));
        }
        if (!answered) {
            parts.add(new ContentPart.Text(""));
        }
        return parts;
    }

    /** A tool message becomes a ToolResult; consecutive tool messages share one normalized TOOL message. */
    private static void addToolResult(List<Message> messages, JsonNode m, String p, CacheControl marker) {
        String id = Fields.requiredNonEmptyString(m, "tool_call_id", path(p, "tool_call_id"));
        List<ContentPart> text = List.copyOf(textBlocks(m, path(p, "content"), false, null));
        ContentPart result = new ContentPart.ToolResult(id, text, false, marker);
        int last = messages.size() - 1;
        if (last >= 0 && messages.get(last).role() == Role.TOOL) {
            List<ContentPart> merged = new ArrayList<>(messages.get(last).content());
            merged.add(result);
            messages.set(last, new Message(Role.TOOL, merged));
        } else {
            messages.add(new Message(Role.TOOL, List.of(result)));
        }
    }
}
