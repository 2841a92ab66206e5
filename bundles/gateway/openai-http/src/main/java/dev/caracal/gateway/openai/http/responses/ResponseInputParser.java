package dev.caracal.gateway.openai.http.responses;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.Fields;
import dev.caracal.gateway.openai.http.codec.ImageUrls;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code input} of a Responses request, validated as OpenAI validates it and written in one canonical form: every
 * item an object with its {@code type} and an {@code id} (the client's, or a new one), message content always an
 * array of parts. The canonical items are what a stored response keeps and what {@link ResponseItems} turns into the
 * normalized conversation. Items Caracal cannot take (built-in tool calls, item references, files, audio) are a 400
 * naming them.
 */
final class ResponseInputParser {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
    private static final Set<String> DETAILS = Set.of("auto", "low", "high");

    private ResponseInputParser() {}

    /** The canonical items of {@code body.input}: a string is one user message; absent is none. */
    static List<ObjectNode> parse(JsonNode body) {
        JsonNode input = get(body, "input");
        List<ObjectNode> items = new ArrayList<>();
        if (input == null) {
            return items;
        }
        if (input.isTextual()) {
            items.add(message("user", List.of(inputText(input.textValue())), null));
            return items;
        }
        if (!input.isArray()) {
            throw InvalidRequestException.type("input", "a string or an array of input items");
        }
        for (int i = 0; i < input.size(); i++) {
            items.add(item(input.get(i), path("input", i)));
        }
        return items;
    }

    private static ObjectNode item(JsonNode item, String p) {
        if (!item.isObject()) {
            throw InvalidRequestException.type(p, "an object");
        }
        String type = Fields.optionalString(item, "type", path(p, "type"));
        if (type == null) {
            if (get(item, "role") == null) {
                throw InvalidRequestException.missing(path(p, "type"));
            }
            type = "message";
        }
        return switch (type) {
            case "message" -> messageItem(item, p);
            case "function_call" -> functionCall(item, p);
            case "function_call_output" -> functionCallOutput(item, p);
            case "reasoning" -> reasoning(item, p);
            case "item_reference" ->
                throw InvalidRequestException.unsupportedValue(
                        path(p, "type"),
                        "item references are not supported; send the item itself or use 'previous_response_id'.");
            default ->
                throw InvalidRequestException.unsupportedValue(
                        path(p, "type"),
                        "'" + type + "' items are not supported by this gateway (only 'message', 'function_call', "
                                + "'function_call_output' and 'reasoning'; built-in tools are not available).");
        };
    }

    // ---- messages

    private static ObjectNode messageItem(JsonNode item, String p) {
        String role = Fields.requiredString(item, "role", path(p, "role"));
        if (!ROLES.contains(role)) {
            throw InvalidRequestException.value(
                    path(p, "role"), "must be 'user', 'assistant', 'system' or 'developer', got '" + role + "'.");
        }
        String cp = path(p, "content");
        JsonNode content = Fields.required(item, "content", cp);
        List<ObjectNode> parts = new ArrayList<>();
        boolean assistant = role.equals("assistant");
        if (content.isTextual()) {
            parts.add(assistant ? outputText(content.textValue()) : inputText(content.textValue()));
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                parts.add(part(content.get(i), path(cp, i), role));
            }
        } else {
            throw InvalidRequestException.type(cp, "a string or an array of content parts");
        }
        return message(role, parts, id(item, p));
    }

    private static ObjectNode part(JsonNode part, String p, String role) {
        if (!part.isObject()) {
            throw InvalidRequestException.type(p, "an object");
        }
        String type = Fields.requiredString(part, "type", path(p, "type"));
        boolean assistant = role.equals("assistant");
        switch (type) {
            case "input_text" -> {
                return inputText(Fields.requiredString(part, "text", path(p, "text")));
            }
            case "output_text" -> {
                if (!assistant) {
                    throw InvalidRequestException.value(
                            path(p, "type"), "'output_text' parts belong to assistant messages; use 'input_text'.");
                }
                return outputText(Fields.requiredString(part, "text", path(p, "text")));
            }
            case "refusal" -> {
                if (!assistant) {
                    throw InvalidRequestException.value(
                            path(p, "type"), "'refusal' parts belong to assistant messages.");
                }
                ObjectNode out = F.objectNode();
                out.put("type", "refusal");
                out.put("refusal", Fields.requiredString(part, "refusal", path(p, "refusal")));
                return out;
            }
            case "input_image" -> {
                if (!role.equals("user")) {
                    throw InvalidRequestException.value(path(p, "type"), "images can only be sent in user messages.");
                }
                return inputImage(part, p);
            }
            case "input_file", "input_audio" ->
                throw InvalidRequestException.unsupportedValue(
                        path(p, "type"), "'" + type + "' content parts are not supported by this gateway.");
            default ->
                throw InvalidRequestException.value(
                        path(p, "type"),
                        "expected 'input_text', 'input_image'" + (assistant ? ", 'output_text' or 'refusal'" : "")
                                + ", got '" + type + "'.");
        }
    }

    private static ObjectNode inputImage(JsonNode part, String p) {
        if (get(part, "file_id") != null) {
            throw InvalidRequestException.unsupported(
                    path(p, "file_id"), "uploaded files are not supported; give the image as 'image_url'.");
        }
        String url = Fields.requiredString(part, "image_url", path(p, "image_url"));
        ImageUrls.image(url, path(p, "image_url"));
        String detail = Fields.optionalString(part, "detail", path(p, "detail"));
        if (detail != null && !DETAILS.contains(detail)) {
            throw InvalidRequestException.value(path(p, "detail"), "must be 'auto', 'low' or 'high'.");
        }
        ObjectNode out = F.objectNode();
        out.put("type", "input_image");
        out.put("image_url", url);
        out.put("detail", detail == null ? "auto" : detail);
        return out;
    }

    // ---- tool calls, their outputs, reasoning

    private static ObjectNode functionCall(JsonNode item, String p) {
        ObjectNode out = F.objectNode();
        out.put("type", "function_call");
        out.put("id", id(item, p, ResponseIds::functionCall));
        out.put("call_id", Fields.requiredNonEmptyString(item, "call_id", path(p, "call_id")));
        out.put("name", Fields.requiredNonEmptyString(item, "name", path(p, "name")));
        out.put("arguments", Fields.requiredString(item, "arguments", path(p, "arguments")));
        out.put("status", "completed");
        return out;
    }

    private static ObjectNode functionCallOutput(JsonNode item, String p) {
        ObjectNode out = F.objectNode();
        out.put("type", "function_call_output");
        out.put("id", id(item, p, ResponseIds::functionCallOutput));
        out.put("call_id", Fields.requiredNonEmptyString(item, "call_id", path(p, "call_id")));
        String op = path(p, "output");
        JsonNode output = Fields.required(item, "output", op);
        if (output.isTextual()) {
            out.put("output", output.textValue());
        } else if (output.isArray()) {
            ArrayNode parts = out.putArray("output");
            for (int i = 0; i < output.size(); i++) {
                JsonNode part = output.get(i);
                String pp = path(op, i);
                if (!part.isObject()) {
                    throw InvalidRequestException.type(pp, "an object");
                }
                String type = Fields.requiredString(part, "type", path(pp, "type"));
                switch (type) {
                    case "input_text" -> parts.add(inputText(Fields.requiredString(part, "text", path(pp, "text"))));
                    case "input_image" -> parts.add(inputImage(part, pp));
                    default ->
                        throw InvalidRequestException.unsupportedValue(
                                path(pp, "type"),
                                "a function call's output takes 'input_text' and 'input_image' parts, got '" + type
                                        + "'.");
                }
            }
        } else {
            throw InvalidRequestException.type(op, "a string or an array of content parts");
        }
        out.put("status", "completed");
        return out;
    }

    private static ObjectNode reasoning(JsonNode item, String p) {
        ObjectNode out = F.objectNode();
        out.put("type", "reasoning");
        out.put("id", id(item, p, ResponseIds::reasoning));
        out.set("summary", texts(item, "summary", "summary_text", p));
        JsonNode content = get(item, "content");
        if (content != null) {
            out.set("content", texts(item, "content", "reasoning_text", p));
        }
        String encrypted = Fields.optionalString(item, "encrypted_content", path(p, "encrypted_content"));
        if (encrypted != null) {
            out.put("encrypted_content", encrypted);
        }
        return out;
    }

    /** A reasoning item's {@code summary} or {@code content}: an array of {@code {type, text}} parts. */
    private static ArrayNode texts(JsonNode item, String name, String partType, String p) {
        ArrayNode out = F.arrayNode();
        String ap = path(p, name);
        JsonNode array = Fields.optionalArray(item, name, ap);
        if (array == null) {
            return out;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode part = array.get(i);
            String pp = path(ap, i);
            if (!part.isObject()) {
                throw InvalidRequestException.type(pp, "an object");
            }
            String type = Fields.requiredString(part, "type", path(pp, "type"));
            if (!type.equals(partType)) {
                throw InvalidRequestException.value(
                        path(pp, "type"), "expected '" + partType + "', got '" + type + "'.");
            }
            ObjectNode o = out.addObject();
            o.put("type", partType);
            o.put("text", Fields.requiredString(part, "text", path(pp, "text")));
        }
        return out;
    }

    // ---- canonical pieces

    static ObjectNode message(String role, List<ObjectNode> parts, String id) {
        ObjectNode m = F.objectNode();
        m.put("type", "message");
        m.put("id", id == null || id.isEmpty() ? ResponseIds.message() : id);
        m.put("role", role);
        m.putArray("content").addAll(parts);
        m.put("status", "completed");
        return m;
    }

    static ObjectNode inputText(String text) {
        ObjectNode o = F.objectNode();
        o.put("type", "input_text");
        o.put("text", text);
        return o;
    }

    static ObjectNode outputText(String text) {
        ObjectNode o = F.objectNode();
        o.put("type", "output_text");
        o.put("text", text);
        o.putArray("annotations");
        o.putArray("logprobs");
        return o;
    }

    private static String id(JsonNode item, String p) {
        return Fields.optionalString(item, "id", path(p, "id"));
    }

    private static String id(JsonNode item, String p, java.util.function.Supplier<String> fresh) {
        String id = id(item, p);
        return id == null || id.isEmpty() ? fresh.get() : id;
    }
}
