package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.ResponseShape;
import dev.caracal.llm.support.Secret;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an Anthropic {@code message} object (and the pieces shared with stream events): {@code text},
 * {@code tool_use}, {@code thinking} ({@link ContentPart.Thinking} with its signature) and
 * {@code redacted_thinking} ({@link ContentPart.RedactedThinking}) blocks become content parts, in their order
 * (server-tool blocks have no normalized form and are skipped), {@code stop_reason} a {@link StopReason},
 * {@code usage} a {@link Usage}.
 */
final class ResponseMapper {

    /** The members of a {@code usage} object the mapper reads. */
    private static final ResponseShape USAGE = ResponseShape.read(
            "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens");

    /** The members of a {@code message} the mapper reads (or the ingress writes its own of). */
    static final ResponseShape MESSAGE = ResponseShape.read("id", "type", "role", "model", "content", "stop_reason")
            .object("usage", USAGE);

    /** The members of a {@code message_start} event the stream reads. */
    static final ResponseShape MESSAGE_START = ResponseShape.read("type").object("message", MESSAGE);

    /** The members of a {@code message_delta} event the stream reads. */
    static final ResponseShape MESSAGE_DELTA = ResponseShape.read("type")
            .object("delta", ResponseShape.read("stop_reason"))
            .object("usage", USAGE);

    private ResponseMapper() {}

    /**
     * The answer, with the members it does not model as extras when {@code keepExtras} (the client speaks Anthropic's
     * format too).
     */
    static ChatResponse toResponse(
            JsonNode root, String requestedModel, Secret secret, String body, boolean keepExtras) {
        ChatResponse response = toResponse(root, requestedModel, secret, body);
        if (!keepExtras) {
            return response;
        }
        return new ChatResponse(
                response.id(),
                response.model(),
                response.content(),
                response.stopReason(),
                response.usage(),
                MESSAGE.extras(root, RequestMapper.FORMAT, ResponseExtras.RESPONSE));
    }

    static ChatResponse toResponse(JsonNode root, String requestedModel, Secret secret, String body) {
        if (root == null || !root.isObject()) {
            throw HttpErrors.malformed("message", body, null);
        }
        if ("error".equals(root.path("type").asText()) || root.path("error").isObject()) {
            throw Errors.fromStreamEvent(root, secret);
        }
        JsonNode blocks = root.get("content");
        if (blocks == null || !blocks.isArray()) {
            throw HttpErrors.malformed("message (no content array)", body, null);
        }
        List<ContentPart> content = new ArrayList<>();
        for (JsonNode block : blocks) {
            switch (block.path("type").asText("")) {
                case "text" -> {
                    String text = block.path("text").asText("");
                    if (!text.isEmpty()) {
                        content.add(new ContentPart.Text(text));
                    }
                }
                case "tool_use" -> content.add(toolUse(block));
                case "thinking" ->
                    content.add(new ContentPart.Thinking(
                            block.path("thinking").asText(""), signature(block.get("signature"))));
                case "redacted_thinking" -> {
                    String data = block.path("data").asText("");
                    if (!data.isEmpty()) {
                        content.add(new ContentPart.RedactedThinking(data));
                    }
                }
                default -> {} // server tool blocks
            }
        }
        String id = root.path("id").asText("");
        String model = root.hasNonNull("model") ? root.get("model").asText() : requestedModel;
        return new ChatResponse(
                id, model, content, stopReason(Json.textOrNull(root.get("stop_reason"))), usage(root.get("usage")));
    }

    static ContentPart.ToolUse toolUse(JsonNode block) {
        String name = block.path("name").asText("");
        if (name.isEmpty()) {
            throw new LlmException(
                    ErrorKind.UPSTREAM, "the upstream answered a tool call without a name", 200, null, null);
        }
        JsonNode input = block.get("input");
        String args = input == null || input.isNull() ? "{}" : input.isTextual() ? input.asText() : Json.write(input);
        return new ContentPart.ToolUse(block.path("id").asText(""), name, args);
    }

    /** A thinking block's signature, {@code null} when absent or empty (thinking Anthropic could not verify). */
    static String signature(JsonNode signature) {
        String s = Json.textOrNull(signature);
        return s == null || s.isEmpty() ? null : s;
    }

    static StopReason stopReason(String stopReason) {
        if (stopReason == null) {
            return StopReason.END_TURN;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
            case "stop_sequence" -> StopReason.STOP_SEQUENCE;
            case "tool_use" -> StopReason.TOOL_USE;
            case "refusal" -> StopReason.CONTENT_FILTER;
            default -> StopReason.END_TURN; // end_turn, pause_turn
        };
    }

    /**
     * Anthropic counts {@code input_tokens} after the last cache breakpoint only; cache reads and writes are
     * reported beside it. The normalized input is all of them (cache reads counted within it, as
     * {@link Usage} says), with the cache reads and writes also reported on their own.
     */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.ZERO;
        }
        long input = usage.path("input_tokens").asLong(0);
        long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
        long cacheCreation = usage.path("cache_creation_input_tokens").asLong(0);
        long output = usage.path("output_tokens").asLong(0);
        return new Usage(input + cacheRead + cacheCreation, output, cacheRead, cacheCreation);
    }
}
