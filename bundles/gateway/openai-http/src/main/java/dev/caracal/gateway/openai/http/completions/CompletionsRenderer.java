package dev.caracal.gateway.openai.http.completions;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;

/**
 * Renders a chat answer as a legacy {@code text_completion}: the answer's text is {@code choices[0].text} (its
 * thinking, which this format has no place for, is left out), {@code finish_reason} {@code length} when the token
 * limit cut it, {@code content_filter} when a filter did, else {@code stop}.
 */
public final class CompletionsRenderer {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private CompletionsRenderer() {}

    public static ObjectNode completion(String id, long created, String requestedModel, ChatResponse response) {
        ObjectNode root = header(id, created, model(response.model(), requestedModel));
        root.putArray("choices").add(choice(response.text(), finishReason(response.stopReason())));
        root.set("usage", usage(response.usage()));
        return root;
    }

    static ObjectNode header(String id, long created, String model) {
        ObjectNode root = F.objectNode();
        root.put("id", id);
        root.put("object", "text_completion");
        root.put("created", created);
        root.put("model", model);
        root.putNull("system_fingerprint");
        return root;
    }

    static ObjectNode choice(String text, String finishReason) {
        ObjectNode c = F.objectNode();
        c.put("text", text);
        c.put("index", 0);
        c.putNull("logprobs");
        if (finishReason == null) {
            c.putNull("finish_reason");
        } else {
            c.put("finish_reason", finishReason);
        }
        return c;
    }

    static String model(String upstream, String requested) {
        return upstream == null || upstream.isEmpty() ? requested : upstream;
    }

    static String finishReason(StopReason reason) {
        return switch (reason) {
            case MAX_TOKENS -> "length";
            case CONTENT_FILTER -> "content_filter";
            default -> "stop";
        };
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode u = F.objectNode();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        return u;
    }
}
