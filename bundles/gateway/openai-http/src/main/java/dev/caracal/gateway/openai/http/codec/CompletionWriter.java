package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.Usage;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Writes the {@code chat.completion} of a non-streamed answer with a generator straight to its UTF-8 bytes, member by
 * member in the order {@link ChatCompletionRenderer#completion} puts them in its tree, which rendering then writing
 * was a fifth of what a gateway call allocated (issue 15). An OpenAI-format upstream's members are placed as the
 * answer is written ({@link MemberPlaces}) when each names a member of the completion, its choice, its message, its
 * usage or the usage's two details objects: every place an OpenAI upstream has them. Any other pointer still goes
 * through the tree and {@link Json#putRawAt}, for the same bytes.
 */
public final class CompletionWriter {
    static final int ROOT = 0;
    static final int CHOICE = 1;
    static final int MESSAGE = 2;
    static final int USAGE = 3;
    static final int PROMPT_DETAILS = 4;
    static final int COMPLETION_DETAILS = 5;

    private static final String[] PATHS = {
        "",
        "/choices/0",
        "/choices/0/message",
        "/usage",
        "/usage/prompt_tokens_details",
        "/usage/completion_tokens_details"
    };
    private static final int[] PLACES = {ROOT, CHOICE, MESSAGE, USAGE, PROMPT_DETAILS, COMPLETION_DETAILS};
    /** No members: never changed, so shared. */
    private static final MemberPlaces NONE = new MemberPlaces(PATHS);

    private CompletionWriter() {}

    /**
     * The bytes of the {@code chat.completion} {@link ChatCompletionRenderer#completion} renders: the same members,
     * in the same order, an upstream's ones in the same places.
     */
    public static byte[] completion(String id, long created, String requestedModel, ChatResponse response)
            throws IOException {
        MemberPlaces x = NONE;
        ResponseExtras extras = response.extras();
        if (extras.carriableTo(ChatCompletionParser.FORMAT)) {
            x = new MemberPlaces(PATHS);
            for (Map.Entry<String, String> member : extras.members().entrySet()) {
                if (!x.add(member.getKey(), RawText.utf8Safe(member.getValue()), PLACES)) {
                    return Json.mapper()
                            .writeValueAsBytes(
                                    ChatCompletionRenderer.completion(id, created, requestedModel, response));
                }
            }
        }
        JsonFactory factory = Json.mapper().getFactory();
        try (ByteArrayBuilder out = new ByteArrayBuilder(factory._getBufferRecycler())) {
            try (JsonGenerator g = factory.createGenerator(out)) {
                write(g, x, id, created, ChatCompletionRenderer.modelOf(response.model(), requestedModel), response);
            }
            byte[] bytes = out.toByteArray();
            out.release();
            return bytes;
        }
    }

    private static void write(JsonGenerator g, MemberPlaces x, String id, long created, String model, ChatResponse r)
            throws IOException {
        g.writeStartObject();
        if (x.member(g, ROOT, "id")) {
            g.writeString(id);
        }
        if (x.member(g, ROOT, "object")) {
            g.writeString("chat.completion");
        }
        x.number(g, ROOT, "created", created);
        if (x.member(g, ROOT, "model")) {
            g.writeString(model);
        }
        if (x.member(g, ROOT, "choices")) {
            g.writeStartArray();
            g.writeStartObject();
            x.number(g, CHOICE, "index", 0);
            if (x.member(g, CHOICE, "message")) {
                g.writeStartObject();
                message(g, x, r);
                x.rest(g, MESSAGE);
                g.writeEndObject();
            }
            if (x.member(g, CHOICE, "logprobs")) {
                g.writeNull();
            }
            if (x.member(g, CHOICE, "finish_reason")) {
                g.writeString(ChatCompletionRenderer.finishReason(r.stopReason()));
            }
            x.rest(g, CHOICE);
            g.writeEndObject();
            g.writeEndArray();
        }
        if (x.member(g, ROOT, "usage")) {
            usage(g, x, r.usage());
        }
        if (x.member(g, ROOT, "system_fingerprint")) {
            g.writeNull();
        }
        x.rest(g, ROOT);
        g.writeEndObject();
    }

    /** The message's members: its text, thinking, tool calls, as {@link ChatCompletionRenderer} puts them. */
    private static void message(JsonGenerator g, MemberPlaces x, ChatResponse r) throws IOException {
        List<ContentPart> content = r.content();
        String text = r.text();
        StringBuilder thinking = null;
        boolean calls = false;
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Thinking t) {
                thinking = thinking == null ? new StringBuilder() : thinking;
                thinking.append(t.text());
            } else if (part instanceof ContentPart.ToolUse) {
                calls = true;
            }
        }
        if (x.member(g, MESSAGE, "role")) {
            g.writeString("assistant");
        }
        if (x.member(g, MESSAGE, "content")) {
            if (text.isEmpty() && calls) {
                g.writeNull();
            } else {
                g.writeString(text);
            }
        }
        if (thinking != null && !thinking.isEmpty() && x.member(g, MESSAGE, "reasoning_content")) {
            g.writeString(thinking.toString());
        }
        if (x.member(g, MESSAGE, "refusal")) {
            g.writeNull();
        }
        if (calls && x.member(g, MESSAGE, "tool_calls")) {
            g.writeStartArray();
            for (ContentPart part : content) {
                if (part instanceof ContentPart.ToolUse use) {
                    g.writeStartObject();
                    g.writeStringField("id", use.id());
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", use.name());
                    g.writeStringField("arguments", use.argumentsJson());
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
        }
        if (x.member(g, MESSAGE, "annotations")) {
            g.writeStartArray();
            g.writeEndArray();
        }
    }

    /** OpenAI's usage object, as {@link ChatCompletionRenderer#usage} makes it. */
    static void usage(JsonGenerator g, MemberPlaces x, Usage usage) throws IOException {
        g.writeStartObject();
        x.number(g, USAGE, "prompt_tokens", usage.inputTokens());
        x.number(g, USAGE, "completion_tokens", usage.outputTokens());
        x.number(g, USAGE, "total_tokens", usage.totalTokens());
        if (x.member(g, USAGE, "prompt_tokens_details")) {
            g.writeStartObject();
            x.number(g, PROMPT_DETAILS, "cached_tokens", usage.cachedInputTokens());
            x.number(g, PROMPT_DETAILS, "audio_tokens", 0);
            x.rest(g, PROMPT_DETAILS);
            g.writeEndObject();
        }
        if (x.member(g, USAGE, "completion_tokens_details")) {
            g.writeStartObject();
            x.number(g, COMPLETION_DETAILS, "reasoning_tokens", 0);
            x.number(g, COMPLETION_DETAILS, "audio_tokens", 0);
            x.number(g, COMPLETION_DETAILS, "accepted_prediction_tokens", 0);
            x.number(g, COMPLETION_DETAILS, "rejected_prediction_tokens", 0);
            x.rest(g, COMPLETION_DETAILS);
            g.writeEndObject();
        }
        x.rest(g, USAGE);
        g.writeEndObject();
    }
}
