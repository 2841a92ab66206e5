package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import dev.caracal.llm.support.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code messages} of a Messages body: user and assistant turns. A {@code TOOL} message (the OpenAI shape)
 * becomes a user turn of {@code tool_result} blocks; consecutive turns of one role are merged into one (as the API
 * would), and in a user turn the {@code tool_result} blocks come first, as the API requires; the other blocks keep
 * the order of the messages' parts. A turn of a single unmarked text is sent as a string, any other as content
 * blocks: {@code text} (empty texts dropped), {@code image} ({@code base64} source for inline data and {@code data:}
 * URLs, {@code url} source otherwise), {@code tool_use} (the arguments as the {@code input} object),
 * {@code tool_result} ({@code tool_use_id}, its text and image content, {@code is_error} when set), {@code thinking}
 * ({@code thinking} and {@code signature}) and {@code redacted_thinking} ({@code data}).
 *
 * <p>Every text, image, tool call and tool result carries the client's {@code cache_control} on the very block it
 * was on ({@link CacheMarkers}); a tool result whose parts carry markers is sent as blocks, so that each keeps its own.
 *
 * <p>Thinking goes back only in assistant turns and only when Anthropic can verify it: a {@link ContentPart.Thinking}
 * without a signature (reasoning another provider gave) is dropped, as the API rejects unsigned thinking; thinking
 * parts in user and tool messages and in tool results are dropped too. (With thinking enabled, Anthropic also wants
 * an assistant turn whose tool calls are answered to begin with its signed thinking, so a tool loop begun without
 * Anthropic's thinking cannot go on with thinking enabled; the API answers such a request 400.)
 */
final class TurnMapper {
    private TurnMapper() {}

    /** One Anthropic turn being assembled: its role, its tool results and its other blocks. */
    private static final class Turn {
        final String role;
        final List<ObjectNode> toolResults = new ArrayList<>();
        final List<ObjectNode> blocks = new ArrayList<>();

        Turn(String role) {
            this.role = role;
        }
    }

    static ArrayNode messages(List<Message> messages) {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            String role = message.role() == Role.ASSISTANT ? "assistant" : "user";
            Turn turn = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            if (turn == null || !turn.role.equals(role)) {
                turn = new Turn(role);
                turns.add(turn);
            }
            for (ContentPart part : message.content()) {
                addPart(turn, message.role(), part, i);
            }
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < turns.size(); i++) {
            Turn turn = turns.get(i);
            List<ObjectNode> blocks = new ArrayList<>(turn.toolResults);
            blocks.addAll(turn.blocks);
            if (blocks.isEmpty()) {
                throw RequestMapper.invalid("the " + turn.role + " turn " + i
                        + " has no content (empty texts and unsigned thinking are not sent)");
            }
            ObjectNode m = out.addObject().put("role", turn.role);
            ObjectNode only = blocks.size() == 1 ? blocks.get(0) : null;
            if (only != null && "text".equals(only.path("type").asText()) && !CacheMarkers.marked(only)) {
                m.put("content", only.get("text").asText());
            } else {
                ArrayNode content = m.putArray("content");
                blocks.forEach(content::add);
            }
        }
        return out;
    }

    private static void addPart(Turn turn, Role role, ContentPart part, int index) {
        if (isThinking(part)) {
            if (role == Role.ASSISTANT) {
                ObjectNode block = thinking(part);
                if (block != null) {
                    turn.blocks.add(block);
                }
            }
            return; // the model's own reasoning has no place in a user or tool turn
        }
        String where = "message " + index;
        if (role == Role.TOOL && !(part instanceof ContentPart.ToolResult)) {
            throw RequestMapper.invalid(where + ": a tool message holds tool results only");
        }
        if (part instanceof ContentPart.Text t) {
            ObjectNode block = text(t, where);
            if (block != null) {
                turn.blocks.add(block);
            }
        } else if (part instanceof ContentPart.Image image) {
            if (role == Role.ASSISTANT) {
                throw RequestMapper.invalid(where + ": an assistant message cannot hold an image");
            }
            turn.blocks.add(image(image));
        } else if (part instanceof ContentPart.ToolUse use) {
            if (role != Role.ASSISTANT) {
                throw RequestMapper.invalid(where + ": only an assistant message holds tool calls");
            }
            JsonNode input = Json.tryParse(use.argumentsJson());
            if (input == null || !input.isObject()) {
                throw RequestMapper.invalid(
                        where + ": the arguments of tool call " + use.id() + " are not a JSON object");
            }
            ObjectNode block = Json.MAPPER
                    .createObjectNode()
                    .put("type", "tool_use")
                    .put("id", use.id())
                    .put("name", use.name());
            block.set("input", input);
            turn.blocks.add(CacheMarkers.mark(block, use.cacheControl()));
        } else if (part instanceof ContentPart.ToolResult result) {
            if (role == Role.ASSISTANT) {
                throw RequestMapper.invalid(where + ": an assistant message cannot hold a tool result");
            }
            turn.toolResults.add(toolResult(result, where));
        }
    }

    /**
     * A {@code thinking} block with its signature, or a {@code redacted_thinking} block with its data; {@code null}
     * for thinking Anthropic cannot verify (no signature) and for redacted thinking without data.
     */
    private static ObjectNode thinking(ContentPart part) {
        if (part instanceof ContentPart.Thinking t) {
            if (t.signature() == null || t.signature().isEmpty()) {
                return null;
            }
            return Json.MAPPER
                    .createObjectNode()
                    .put("type", "thinking")
                    .put("thinking", t.text())
                    .put("signature", t.signature());
        }
        ContentPart.RedactedThinking r = (ContentPart.RedactedThinking) part;
        return r.data().isEmpty()
                ? null
                : Json.MAPPER
                        .createObjectNode()
                        .put("type", "redacted_thinking")
                        .put("data", r.data());
    }

    private static boolean isThinking(ContentPart part) {
        return part instanceof ContentPart.Thinking || part instanceof ContentPart.RedactedThinking;
    }

    /** Text only and no marker on any part: the content is sent as one string, as before markers existed. */
    private static ObjectNode toolResult(ContentPart.ToolResult result, String where) {
        ObjectNode block =
                Json.MAPPER.createObjectNode().put("type", "tool_result").put("tool_use_id", result.toolUseId());
        boolean plainText = result.content().stream()
                .allMatch(p -> (p instanceof ContentPart.Text && p.cacheControl() == null) || isThinking(p));
        if (plainText) {
            String text = ContentPart.textOf(result.content());
            if (!text.isEmpty()) {
                block.put("content", text);
            }
        } else {
            ArrayNode content = block.putArray("content");
            for (ContentPart p : result.content()) {
                if (p instanceof ContentPart.Text t) {
                    ObjectNode inner = text(t, where + ", tool result " + result.toolUseId());
                    if (inner != null) {
                        content.add(inner);
                    }
                } else if (p instanceof ContentPart.Image image) {
                    content.add(image(image));
                } else if (!isThinking(p)) {
                    throw RequestMapper.invalid("a tool result holds text and images only");
                }
            }
        }
        if (result.isError()) {
            block.put("is_error", true);
        }
        return CacheMarkers.mark(block, result.cacheControl());
    }

    /**
     * A {@code text} block with its marker (also a system block's form); {@code null} for an empty text, which
     * Anthropic refuses and which is dropped, unless it carries a marker: then the request is refused, naming
     * {@code where}, rather than losing the breakpoint.
     */
    static ObjectNode text(ContentPart.Text t, String where) {
        if (t.text().isEmpty()) {
            if (t.cacheControl() != null) {
                throw RequestMapper.invalid(where + ": an empty text cannot carry cache_control");
            }
            return null;
        }
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", "text").put("text", t.text());
        return CacheMarkers.mark(block, t.cacheControl());
    }

    private static ObjectNode image(ContentPart.Image image) {
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (image.data() != null) {
            source.put("type", "base64")
                    .put("media_type", image.mediaType() == null ? "image/png" : image.mediaType())
                    .put("data", image.data());
        } else {
            Map.Entry<String, String> inline = dataUrl(image.url());
            if (inline != null) {
                source.put("type", "base64").put("media_type", inline.getKey()).put("data", inline.getValue());
            } else {
                source.put("type", "url").put("url", image.url());
            }
        }
        return CacheMarkers.mark(block, image.cacheControl());
    }

    /** {@code data:<type>;base64,<data>} as (type, data), or {@code null} for another URL. */
    static Map.Entry<String, String> dataUrl(String url) {
        if (url == null || !url.regionMatches(true, 0, "data:", 0, 5)) {
            return null;
        }
        int comma = url.indexOf(',');
        String meta = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !meta.toLowerCase(Locale.ROOT).endsWith(";base64")) {
            throw RequestMapper.invalid("an image data URL must be base64: data:<type>;base64,<data>");
        }
        String type = meta.substring(0, meta.length() - ";base64".length());
        return Map.entry(type.isEmpty() ? "image/png" : type, url.substring(comma + 1));
    }
}
