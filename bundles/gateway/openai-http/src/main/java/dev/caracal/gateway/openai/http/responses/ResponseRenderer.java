package dev.caracal.gateway.openai.http.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the Responses API's objects: the {@code response} (its output items, status, usage, and the request's
 * settings it repeats), and each kind of output item ({@code message} with {@code output_text}, {@code function_call},
 * {@code reasoning}). The answer's thinking becomes a {@code reasoning} item whose {@code content} holds the text and
 * whose {@code encrypted_content} holds the provider's signature (so that the item, handed back, gives the provider its
 * signed thinking); redacted thinking has no form here and is left out, as in Chat Completions.
 */
public final class ResponseRenderer {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ResponseRenderer() {}

    /** The identity of one response: its id, when it was created, the model, and the request's settings. */
    public record Header(String id, long createdAt, String model, ObjectNode echo) {}

    /** The complete {@code response} object of a non-streamed answer. */
    public static ObjectNode response(Header header, ChatResponse answer) {
        String model = answer.model() == null || answer.model().isEmpty() ? header.model() : answer.model();
        return response(
                new Header(header.id(), header.createdAt(), model, header.echo()),
                output(answer.content(), answer.stopReason()),
                answer.stopReason(),
                answer.usage());
    }

    /** The output items of an answer's content, in order. */
    static List<ObjectNode> output(List<ContentPart> content, StopReason stop) {
        String status = itemStatus(stop);
        List<ObjectNode> items = new ArrayList<>();
        StringBuilder text = null;
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text t) {
                if (text == null) {
                    text = new StringBuilder();
                }
                text.append(t.text());
                continue;
            }
            if (text != null && !(part instanceof ContentPart.RedactedThinking)) {
                items.add(message(ResponseIds.message(), text.toString(), status));
                text = null;
            }
            if (part instanceof ContentPart.Thinking t) {
                items.add(reasoning(ResponseIds.reasoning(), t.text(), t.signature()));
            } else if (part instanceof ContentPart.ToolUse use) {
                items.add(functionCall(ResponseIds.functionCall(), use.id(), use.name(), use.argumentsJson(), status));
            }
        }
        if (text != null) {
            items.add(message(ResponseIds.message(), text.toString(), status));
        }
        return items;
    }

    /** The {@code response} object: finished ({@code completed} or {@code incomplete}) with its output and usage. */
    static ObjectNode response(Header header, List<ObjectNode> output, StopReason stop, Usage usage) {
        ObjectNode r = skeleton(header, status(stop));
        String reason = incompleteReason(stop);
        if (reason != null) {
            r.putObject("incomplete_details").put("reason", reason);
        }
        r.putArray("output").addAll(output);
        r.set("usage", usage(usage));
        return r;
    }

    /** The {@code response} object of a failed stream: status {@code failed} with the error. */
    static ObjectNode failed(Header header, OpenAiError error) {
        ObjectNode r = skeleton(header, "failed");
        ObjectNode e = r.putObject("error");
        e.put("code", failureCode(error));
        e.put("message", error.message());
        return r;
    }

    /** The response as a stream starts it: {@code in_progress}, no output yet, no usage. */
    static ObjectNode skeleton(Header header, String status) {
        ObjectNode r = F.objectNode();
        r.put("id", header.id());
        r.put("object", "response");
        r.put("created_at", header.createdAt());
        r.put("status", status);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.put("model", header.model());
        r.putArray("output");
        r.putNull("usage");
        r.setAll(header.echo().deepCopy());
        return r;
    }

    static ObjectNode message(String id, String text, String status) {
        ObjectNode m = F.objectNode();
        m.put("id", id);
        m.put("type", "message");
        m.put("status", status);
        m.put("role", "assistant");
        m.putArray("content").add(ResponseInputParser.outputText(text));
        return m;
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        ObjectNode c = F.objectNode();
        c.put("id", id);
        c.put("type", "function_call");
        c.put("status", status);
        c.put("call_id", callId);
        c.put("name", name);
        c.put("arguments", arguments);
        return c;
    }

    static ObjectNode reasoning(String id, String text, String signature) {
        ObjectNode r = F.objectNode();
        r.put("id", id);
        r.put("type", "reasoning");
        r.putArray("summary");
        ArrayNode content = r.putArray("content");
        if (!text.isEmpty()) {
            ObjectNode part = content.addObject();
            part.put("type", "reasoning_text");
            part.put("text", text);
        }
        if (signature != null) {
            r.put("encrypted_content", signature);
        }
        return r;
    }

    /** The Responses API's usage; input tokens include the cached ones, as in OpenAI's accounting. */
    static ObjectNode usage(Usage usage) {
        ObjectNode u = F.objectNode();
        u.put("input_tokens", usage.inputTokens());
        u.putObject("input_tokens_details").put("cached_tokens", usage.cachedInputTokens());
        u.put("output_tokens", usage.outputTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", 0);
        u.put("total_tokens", usage.totalTokens());
        return u;
    }

    /** {@code completed}, or {@code incomplete} when the answer was cut (token limit, content filter). */
    static String status(StopReason stop) {
        return incompleteReason(stop) == null ? "completed" : "incomplete";
    }

    /** An output item's status: {@code incomplete} when the token limit cut it. */
    static String itemStatus(StopReason stop) {
        return stop == StopReason.MAX_TOKENS ? "incomplete" : "completed";
    }

    private static String incompleteReason(StopReason stop) {
        return switch (stop) {
            case MAX_TOKENS -> "max_output_tokens";
            case CONTENT_FILTER -> "content_filter";
            default -> null;
        };
    }

    /** The error codes a {@code response.error} may carry (OpenAI's list): the closest to the failure's status. */
    private static String failureCode(OpenAiError error) {
        if (error.status() == 429) {
            return "rate_limit_exceeded";
        }
        if (error.status() == 400) {
            return "invalid_prompt";
        }
        return "server_error";
    }
}
