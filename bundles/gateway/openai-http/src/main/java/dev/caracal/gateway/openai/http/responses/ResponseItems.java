package dev.caracal.gateway.openai.http.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.gateway.openai.http.codec.ImageUrls;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * The normalized conversation of canonical Responses items ({@link ResponseInputParser}'s, and the output items of a
 * stored response): system and developer messages' text goes to the system prompt; user messages become user
 * messages; assistant messages, reasoning and function calls that follow each other are one assistant turn (text,
 * {@link ContentPart.Thinking} with the item's {@code encrypted_content} as its signature, {@link ContentPart.ToolUse}
 * with the item's {@code call_id}); function call outputs that follow each other are one tool message.
 */
final class ResponseItems {
    private ResponseItems() {}

    /** The messages of {@code items}, in order; the system and developer texts are added to {@code system}. */
    static List<Message> messages(List<? extends JsonNode> items, List<String> system) {
        Turns turns = new Turns();
        for (JsonNode item : items) {
            String type = item.path("type").asText();
            switch (type) {
                case "message" -> message(item, turns, system);
                case "reasoning" -> turns.add(Role.ASSISTANT, thinking(item));
                case "function_call" ->
                    turns.add(
                            Role.ASSISTANT,
                            new ContentPart.ToolUse(
                                    item.path("call_id").asText(),
                                    item.path("name").asText(),
                                    item.path("arguments").asText()));
                case "function_call_output" ->
                    turns.add(
                            Role.TOOL,
                            new ContentPart.ToolResult(
                                    item.path("call_id").asText(), output(item.get("output")), false));
                default -> throw new IllegalArgumentException("not a canonical input item: " + type);
            }
        }
        return turns.done();
    }

    private static void message(JsonNode item, Turns turns, List<String> system) {
        String role = item.path("role").asText();
        List<ContentPart> parts = parts(item.path("content"));
        switch (role) {
            case "system", "developer" -> system.add(ContentPart.textOf(parts));
            case "user" -> {
                turns.end();
                turns.add(Role.USER, parts);
                turns.end();
            }
            default -> turns.add(Role.ASSISTANT, parts);
        }
    }

    private static List<ContentPart> parts(JsonNode content) {
        List<ContentPart> parts = new ArrayList<>();
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "input_text", "output_text" ->
                    parts.add(new ContentPart.Text(part.path("text").asText()));
                case "refusal" ->
                    parts.add(new ContentPart.Text(part.path("refusal").asText()));
                case "input_image" ->
                    parts.add(ImageUrls.image(part.path("image_url").asText(), "image_url"));
                default -> throw new IllegalArgumentException("not a canonical part: " + part);
            }
        }
        return parts;
    }

    private static List<ContentPart> output(JsonNode output) {
        if (output == null || output.isTextual()) {
            return List.of(new ContentPart.Text(output == null ? "" : output.textValue()));
        }
        return parts(output);
    }

    /** A reasoning item: its content's text (else its summary's), signed by its encrypted content when it has one. */
    private static ContentPart thinking(JsonNode item) {
        StringBuilder text = new StringBuilder();
        JsonNode content = item.path("content");
        for (JsonNode part : content.size() > 0 ? content : item.path("summary")) {
            text.append(part.path("text").asText());
        }
        JsonNode signature = item.get("encrypted_content");
        return new ContentPart.Thinking(
                text.toString(), signature == null || signature.isNull() ? null : signature.asText());
    }

    /** Consecutive parts of one role gathered into messages. */
    private static final class Turns {
        private final List<Message> messages = new ArrayList<>();
        private Role role;
        private List<ContentPart> parts = new ArrayList<>();

        void add(Role r, ContentPart part) {
            add(r, List.of(part));
        }

        void add(Role r, List<ContentPart> more) {
            if (role != r) {
                end();
                role = r;
            }
            parts.addAll(more);
        }

        void end() {
            if (role == null) {
                return;
            }
            if (role == Role.ASSISTANT && parts.stream().allMatch(p -> p instanceof ContentPart.Thinking)) {
                // a turn of reasoning only still answers something: an empty text, as the chat ingress does
                parts.add(new ContentPart.Text(""));
            }
            messages.add(new Message(role, parts));
            role = null;
            parts = new ArrayList<>();
        }

        List<Message> done() {
            end();
            return messages;
        }
    }
}
