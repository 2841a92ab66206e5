package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.ResponseShape;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenAI {@code chat.completion} object (and the pieces shared with stream chunks). The model's visible
 * reasoning, which OpenAI itself does not return but compatible servers do, becomes a {@link ContentPart.Thinking}
 * (without signature) ahead of the text and tool calls: see {@link #reasoning}.
 */
final class ResponseMapper {

    /**
     * The members of a {@code chat.completion} this mapper reads (or the ingress writes its own of). A
     * {@code chat.completion.chunk} has the same ones, its {@code delta} for the {@code message}: {@link ChunkReader}
     * reads them token by token and keeps the others as {@link ChunkExtras}.
     */
    static final ResponseShape COMPLETION = shape("message");

    private ResponseMapper() {}

    /** A completion or chunk whose first choice holds its answer in member {@code answer}. */
    private static ResponseShape shape(String answer) {
        return ResponseShape.read("id", "object", "created", "model")
                .firstOf(
                        "choices",
                        ResponseShape.read("index", "finish_reason")
                                .object(
                                        answer,
                                        ResponseShape.read(
                                                "role",
                                                "content",
                                                "refusal",
                                                "tool_calls",
                                                "reasoning_content",
                                                "reasoning")))
                .object(
                        "usage",
                        ResponseShape.read("prompt_tokens", "completion_tokens", "total_tokens")
                                .object("prompt_tokens_details", ResponseShape.read("cached_tokens")));
    }

    /**
     * The answer, with the members it does not model as extras when {@code keepExtras} (the client speaks OpenAI's
     * format too).
     */
    static ChatResponse toResponse(JsonNode root, String requestedModel, boolean keepExtras) {
        ChatResponse response = toResponse(root, requestedModel);
        if (!keepExtras) {
            return response;
        }
        ResponseExtras extras = COMPLETION.extras(root, RequestMapper.FORMAT, ResponseExtras.RESPONSE);
        return new ChatResponse(
                response.id(), response.model(), response.content(), response.stopReason(), response.usage(), extras);
    }

    static ChatResponse toResponse(JsonNode root, String requestedModel) {
        if (root == null || !root.isObject()) {
            throw new LlmException(ErrorKind.UPSTREAM, "the upstream answered a JSON value that is not an object");
        }
        if (root.hasNonNull("error")) {
            JsonNode error = root.get("error");
            throw errorIn200(error);
        }
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw new LlmException(ErrorKind.UPSTREAM, "the upstream answer has no choices", 200, null, null);
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.path("message");
        List<ContentPart> content = new ArrayList<>();
        String reasoning = reasoning(message);
        if (reasoning != null) {
            content.add(new ContentPart.Thinking(reasoning, null));
        }
        String text = textOrNull(message.get("content"));
        String refusal = textOrNull(message.get("refusal"));
        if (text != null && !text.isEmpty()) {
            content.add(new ContentPart.Text(text));
        } else if (refusal != null && !refusal.isEmpty()) {
            content.add(new ContentPart.Text(refusal));
        }
        JsonNode calls = message.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (JsonNode call : calls) {
                JsonNode function = call.path("function");
                String id = call.path("id").asText("");
                String name = function.path("name").asText("");
                if (name.isEmpty()) {
                    throw new LlmException(
                            ErrorKind.UPSTREAM, "the upstream answered a tool call without a name", 200, null, null);
                }
                content.add(new ContentPart.ToolUse(id, name, arguments(function.get("arguments"))));
            }
        }
        StopReason stop = stopReason(textOrNull(choice.get("finish_reason")));
        if (stop == StopReason.END_TURN && (text == null || text.isEmpty()) && refusal != null && !refusal.isEmpty()) {
            stop = StopReason.CONTENT_FILTER;
        }
        String model = root.hasNonNull("model") ? root.get("model").asText() : requestedModel;
        String id = root.hasNonNull("id") ? root.get("id").asText() : "";
        return new ChatResponse(id, model, content, stop, usage(root.get("usage")));
    }

    /**
     * The reasoning text of a message or a stream delta: {@code reasoning_content} (DeepSeek, vLLM and most
     * compatible servers) or, when that is absent or empty, {@code reasoning} (OpenRouter); {@code null} when neither
     * is a non-empty string.
     */
    static String reasoning(JsonNode messageOrDelta) {
        String text = nonEmptyString(messageOrDelta.get("reasoning_content"));
        return text != null ? text : nonEmptyString(messageOrDelta.get("reasoning"));
    }

    private static String nonEmptyString(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    /** Tool arguments arrive as a JSON string; a few compatible servers send the object itself. */
    static String arguments(JsonNode node) {
        if (node == null || node.isNull()) {
            return "{}";
        }
        return node.isTextual() ? node.asText() : Json.write(node);
    }

    static StopReason stopReason(String finishReason) {
        if (finishReason == null) {
            return StopReason.END_TURN;
        }
        return switch (finishReason) {
            case "length" -> StopReason.MAX_TOKENS;
            case "tool_calls", "function_call" -> StopReason.TOOL_USE;
            case "content_filter" -> StopReason.CONTENT_FILTER;
            default -> StopReason.END_TURN; // "stop" covers both the natural end and a stop sequence
        };
    }

    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.ZERO;
        }
        long input = usage.path("prompt_tokens").asLong(0);
        long output = usage.path("completion_tokens").asLong(0);
        long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        return new Usage(input, output, cached, 0);
    }

    static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /** The failure an answer with status 200 and an {@code error} member is (the tree and token readers alike). */
    static LlmException errorIn200(JsonNode error) {
        return new LlmException(
                ErrorKind.UPSTREAM,
                "the upstream answered 200 with an error: "
                        + (error.isObject() ? error.path("message").asText() : error.asText()),
                200,
                null,
                null);
    }
}
