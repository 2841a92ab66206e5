package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import java.util.Map;

/**
 * Renders a normalized {@link ChatResponse} as an OpenAI {@code chat.completion} object. The answer's
 * {@link ContentPart.Thinking} parts go, concatenated in order, into the message's {@code reasoning_content} (the
 * field DeepSeek, vLLM and other OpenAI-compatible servers use; OpenAI itself returns no reasoning text), which is
 * left out when there is no thinking text. {@link ContentPart.RedactedThinking} has no form in OpenAI's API and is
 * dropped. What an OpenAI-format upstream answered beyond the normalized answer is written back where it was.
 */
public final class ChatCompletionRenderer {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ChatCompletionRenderer() {}

    /**
     * The {@code chat.completion} object. {@code id} is the ingress's request id ({@code chatcmpl-...}), {@code model}
     * the upstream model when the response names it, else the model the client asked for.
     */
    public static ObjectNode completion(String id, long created, String requestedModel, ChatResponse response) {
        ObjectNode root = F.objectNode();
        root.put("id", id);
        root.put("object", "chat.completion");
        root.put("created", created);
        root.put("model", modelOf(response.model(), requestedModel));

        ObjectNode message = F.objectNode();
        message.put("role", "assistant");
        String text = response.text();
        StringBuilder thinking = new StringBuilder();
        ArrayNode toolCalls = F.arrayNode();
        for (ContentPart part : response.content()) {
            if (part instanceof ContentPart.Thinking t) {
                thinking.append(t.text());
            } else if (part instanceof ContentPart.ToolUse use) {
                ObjectNode call = toolCalls.addObject();
                call.put("id", use.id());
                call.put("type", "function");
                ObjectNode fn = call.putObject("function");
                fn.put("name", use.name());
                fn.put("arguments", use.argumentsJson());
            }
        }
        if (text.isEmpty() && !toolCalls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        if (!thinking.isEmpty()) {
            message.put("reasoning_content", thinking.toString());
        }
        message.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        message.set("annotations", F.arrayNode());

        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(response.stopReason()));

        root.set("usage", usage(response.usage()));
        root.putNull("system_fingerprint");
        putExtras(
                root,
                response.extras().carriableTo(ChatCompletionParser.FORMAT)
                        ? response.extras().members()
                        : Map.of());
        return root;
    }

    /**
     * Writes what an OpenAI-format upstream answered beyond the normalized answer ({@link ResponseExtras}, such as
     * {@code system_fingerprint}, {@code service_tier}, a choice's {@code logprobs}, the usage details) at the place
     * the upstream had it, replacing the placeholder rendered there.
     */
    static void putExtras(ObjectNode target, Map<String, String> members) {
        members.forEach((pointer, raw) -> Json.putRawAt(target, pointer, RawText.utf8Safe(raw)));
    }

    static String modelOf(String upstream, String requested) {
        return upstream == null || upstream.isEmpty() ? requested : upstream;
    }

    /** OpenAI's finish_reason for a normalized stop reason. */
    public static String finishReason(StopReason reason) {
        return switch (reason) {
            case MAX_TOKENS -> "length";
            case TOOL_USE -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            case END_TURN, STOP_SEQUENCE, ERROR -> "stop";
        };
    }

    /** OpenAI's usage object; prompt tokens include the cached ones, as in OpenAI's own accounting. */
    public static ObjectNode usage(Usage usage) {
        ObjectNode u = F.objectNode();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        ObjectNode prompt = u.putObject("prompt_tokens_details");
        prompt.put("cached_tokens", usage.cachedInputTokens());
        prompt.put("audio_tokens", 0);
        ObjectNode completion = u.putObject("completion_tokens_details");
        completion.put("reasoning_tokens", 0);
        completion.put("audio_tokens", 0);
        completion.put("accepted_prediction_tokens", 0);
        completion.put("rejected_prediction_tokens", 0);
        return u;
    }
}
