package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import java.util.List;
import java.util.Map;

/**
 * Renders normalized answers as Anthropic {@code Message} objects, with what an Anthropic upstream answered beyond
 * the normalized answer written back where it was.
 */
public final class MessagesResponseWriter {

    private MessagesResponseWriter() {}

    /**
     * The {@code Message} for a complete answer. {@code id} is the ingress's {@code msg_...} id (the upstream's id
     * may have another shape); {@code requestedModel} stands in when the response names no model;
     * {@code stopSequences} are the request's, used to name the sequence that matched. An answer that stopped with
     * {@code ERROR} is a 502 {@link AnthropicError}.
     * <p>
     * The content keeps the answer's order. Thinking is a {@code thinking} block whose {@code signature} is the
     * upstream's, or {@code ""} when it gave none (Anthropic's schema requires the member; such thinking cannot be
     * verified by Anthropic and is not sent to it again); redacted thinking is a {@code redacted_thinking} block
     * with its opaque {@code data}. Empty text, and thinking with neither text nor signature, are left out.
     */
    public static ObjectNode message(
            String id, String requestedModel, ChatResponse response, List<String> stopSequences) {
        if (response.stopReason() == StopReason.ERROR) {
            throw new AnthropicError(502, AnthropicError.API, "the upstream ended the answer with an error");
        }
        ObjectNode m = messageHead(id, response.model() == null ? requestedModel : response.model());
        ArrayNode content = m.putArray("content");
        for (ContentPart part : response.content()) {
            if (part instanceof ContentPart.Text t) {
                if (!t.text().isEmpty()) {
                    content.addObject().put("type", "text").put("text", t.text());
                }
            } else if (part instanceof ContentPart.ToolUse use) {
                ObjectNode block = content.addObject();
                block.put("type", "tool_use");
                block.put("id", use.id());
                block.put("name", use.name());
                block.set("input", toolInput(use.argumentsJson()));
            } else if (part instanceof ContentPart.Thinking t) {
                String signature = t.signature() == null ? "" : t.signature();
                if (!t.text().isEmpty() || !signature.isEmpty()) {
                    content.addObject()
                            .put("type", "thinking")
                            .put("thinking", t.text())
                            .put("signature", signature);
                }
            } else if (part instanceof ContentPart.RedactedThinking r) {
                content.addObject().put("type", "redacted_thinking").put("data", r.data());
            }
            // images and tool results do not occur in answers; nothing to render
        }
        m.put("stop_reason", stopReason(response.stopReason()));
        putStopSequence(m, response.stopReason(), stopSequences);
        m.set("usage", usage(response.usage()));
        if (response.extras().carriableTo(MessagesRequestReader.FORMAT)) {
            putExtras(m, response.extras().members());
        }
        return m;
    }

    /**
     * Writes what an Anthropic upstream answered beyond the normalized answer ({@link dev.caracal.llm.ResponseExtras}:
     * the matched {@code stop_sequence}, {@code usage.server_tool_use}, {@code container}, ...) at the place the
     * upstream had it, replacing what was rendered there.
     */
    static void putExtras(ObjectNode target, Map<String, String> members) {
        members.forEach((pointer, raw) -> Json.putRawAt(target, pointer, raw));
    }

    /** {@code id, type, role, model}: the members every {@code Message} starts with. */
    static ObjectNode messageHead(String id, String model) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("id", id);
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        return m;
    }

    /**
     * A tool call's arguments as the {@code input} object. Arguments that are not a JSON object (an upstream cut off
     * by {@code max_tokens} mid-call) cannot be expressed in Anthropic's schema and become {@code {}}.
     */
    static JsonNode toolInput(String argumentsJson) {
        JsonNode parsed = MessagesRequestReader.parseObject(argumentsJson);
        return parsed == null ? JsonNodeFactory.instance.objectNode() : parsed;
    }

    /** Anthropic's {@code stop_reason} for a normalized one; {@code ERROR} has none and is handled by callers. */
    public static String stopReason(StopReason reason) {
        return switch (reason) {
            case END_TURN, ERROR -> "end_turn";
            case MAX_TOKENS -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
            case TOOL_USE -> "tool_use";
            case CONTENT_FILTER -> "refusal";
        };
    }

    /**
     * {@code stop_sequence}: the sequence that matched. The normalized answer does not say which one did, so it is
     * named only when the request had exactly one; otherwise {@code null}.
     */
    static void putStopSequence(ObjectNode target, StopReason reason, List<String> stopSequences) {
        target.put("stop_sequence", stopSequence(reason, stopSequences));
    }

    /** The {@code stop_sequence} of {@link #putStopSequence}: the one sequence, or {@code null}. */
    static String stopSequence(StopReason reason, List<String> stopSequences) {
        return reason == StopReason.STOP_SEQUENCE && stopSequences != null && stopSequences.size() == 1
                ? stopSequences.get(0)
                : null;
    }

    /**
     * Anthropic's usage object. Anthropic's {@code input_tokens} excludes tokens read from the prompt cache, while
     * the normalized {@code inputTokens} includes them, so those are subtracted.
     */
    public static ObjectNode usage(Usage usage) {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        u.put("input_tokens", inputTokens(usage));
        u.put("output_tokens", usage.outputTokens());
        u.put("cache_creation_input_tokens", usage.cacheCreationInputTokens());
        u.put("cache_read_input_tokens", usage.cachedInputTokens());
        return u;
    }

    static long inputTokens(Usage usage) {
        return Math.max(0, usage.inputTokens() - usage.cachedInputTokens() - usage.cacheCreationInputTokens());
    }
}
