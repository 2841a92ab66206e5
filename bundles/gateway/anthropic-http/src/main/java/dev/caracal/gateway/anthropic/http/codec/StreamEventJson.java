package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON of each of Anthropic's stream events, written member by member with a generator in the order the ingress
 * has always written them (the order of Anthropic's own events), so that the bytes are those the trees made. The
 * {@code message_start} and {@code message_delta} that carry an Anthropic upstream's members are made as trees instead,
 * as before, for {@link dev.caracal.core.json.Json#putRawAt} to place the members wherever their pointers say: that is
 * once a stream, so not worth placing them as the events are written.
 */
final class StreamEventJson {

    private StreamEventJson() {}

    static void messageStart(JsonGenerator g, String id, String model, Usage usage) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "message_start");
        g.writeObjectFieldStart("message");
        g.writeStringField("id", id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", model);
        g.writeArrayFieldStart("content");
        g.writeEndArray();
        g.writeNullField("stop_reason");
        g.writeNullField("stop_sequence");
        g.writeFieldName("usage");
        usage(g, usage);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** {@code message_start} as a tree, with an upstream's members put where they were. */
    static ObjectNode messageStart(String id, String model, Usage usage, Map<String, String> members) {
        ObjectNode message = MessagesResponseWriter.messageHead(id, model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", MessagesResponseWriter.usage(usage));
        ObjectNode start = JsonNodeFactory.instance.objectNode();
        start.put("type", "message_start");
        start.set("message", message);
        MessagesResponseWriter.putExtras(start, members);
        return start;
    }

    /** {@code message_delta}: the stop reason and the final usage (cumulative, as Anthropic reports it). */
    static void messageDelta(JsonGenerator g, StopReason reason, List<String> stopSequences, Usage usage)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "message_delta");
        g.writeObjectFieldStart("delta");
        g.writeStringField("stop_reason", MessagesResponseWriter.stopReason(reason));
        g.writeStringField("stop_sequence", MessagesResponseWriter.stopSequence(reason, stopSequences));
        g.writeEndObject();
        g.writeFieldName("usage");
        usage(g, usage);
        g.writeEndObject();
    }

    /** {@code message_delta} as a tree, with an upstream's members put where they were. */
    static ObjectNode messageDelta(
            StopReason reason, List<String> stopSequences, Usage usage, Map<String, String> members) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("type", "message_delta");
        ObjectNode delta = d.putObject("delta");
        delta.put("stop_reason", MessagesResponseWriter.stopReason(reason));
        MessagesResponseWriter.putStopSequence(delta, reason, stopSequences);
        d.set("usage", MessagesResponseWriter.usage(usage));
        MessagesResponseWriter.putExtras(d, members);
        return d;
    }

    /**
     * {@code content_block_start} of a block of {@code type}: {@code text} (empty), {@code tool_use} ({@code a} its
     * id, {@code b} its name, an empty input), {@code thinking} (empty text and signature: both follow as deltas),
     * {@code redacted_thinking} ({@code a} its data).
     */
    static void blockStart(JsonGenerator g, int index, String type, String a, String b) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "content_block_start");
        g.writeNumberField("index", index);
        g.writeObjectFieldStart("content_block");
        g.writeStringField("type", type);
        switch (type) {
            case "text" -> g.writeStringField("text", "");
            case "tool_use" -> {
                g.writeStringField("id", a);
                g.writeStringField("name", b);
                g.writeObjectFieldStart("input");
                g.writeEndObject();
            }
            case "thinking" -> {
                g.writeStringField("thinking", "");
                g.writeStringField("signature", "");
            }
            default -> g.writeStringField("data", a);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** {@code content_block_delta} of a delta of {@code type} whose {@code field} is {@code value}. */
    static void blockDelta(JsonGenerator g, int index, String type, String field, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "content_block_delta");
        g.writeNumberField("index", index);
        g.writeObjectFieldStart("delta");
        g.writeStringField("type", type);
        g.writeStringField(field, value);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** An event that is its type and, when {@code index >= 0}, a block index: {@code ping}, {@code content_block_stop}. */
    static void bare(JsonGenerator g, String type, int index) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        if (index >= 0) {
            g.writeNumberField("index", index);
        }
        g.writeEndObject();
    }

    /** Anthropic's usage object ({@link MessagesResponseWriter#usage}). */
    private static void usage(JsonGenerator g, Usage usage) throws IOException {
        g.writeStartObject();
        g.writeNumberField("input_tokens", MessagesResponseWriter.inputTokens(usage));
        g.writeNumberField("output_tokens", usage.outputTokens());
        g.writeNumberField("cache_creation_input_tokens", usage.cacheCreationInputTokens());
        g.writeNumberField("cache_read_input_tokens", usage.cachedInputTokens());
        g.writeEndObject();
    }
}
