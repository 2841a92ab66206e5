package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChunkMembers.CHOICE;
import static dev.caracal.gateway.openai.http.codec.ChunkMembers.DELTA;
import static dev.caracal.gateway.openai.http.codec.ChunkMembers.ROOT;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.io.IOException;

/**
 * Writes the JSON of one {@code chat.completion.chunk} with a generator, member by member in the order OpenAI writes
 * them (and the ingress always has), with an upstream's members placed where they go ({@link ChunkMembers}, or
 * {@code null} for none). The chunk's kind and content are set first ({@link #role}, {@link #text}, {@link #toolCall},
 * {@link #finish}), then {@link #write} writes it, as many times as needed. Not thread-safe: one per stream.
 */
final class ChunkWriter {
    private static final int ROLE = 0;
    private static final int TEXT = 1;
    private static final int TOOL_CALL = 2;
    private static final int FINISH = 3;

    private final String id;
    private final long created;
    private final boolean includeUsage;
    /** The model the chunks name: the client's, until the stream's start names the upstream's. */
    String model;

    // The chunk to write.
    private int kind;
    /** The delta's member for {@code TEXT} ({@code content}, {@code reasoning_content}) and its text. */
    private String field;

    private String text;
    private String finishReason;
    private StreamEvent.ToolCallDelta call;
    /** The call's position among the answer's tool calls, and whether this is its first delta. */
    private int position;

    private boolean first;

    ChunkWriter(String id, long created, String model, boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
    }

    /** The first chunk: the assistant's role, empty content, no refusal. */
    void role() {
        kind = ROLE;
        finishReason = null;
    }

    /** A piece of text in delta member {@code field}. */
    void text(String field, String text) {
        kind = TEXT;
        this.field = field;
        this.text = text;
        finishReason = null;
    }

    /** A piece of a tool call, the {@code position}-th of the answer; its id, type and name go on its first. */
    void toolCall(StreamEvent.ToolCallDelta call, int position, boolean first) {
        kind = TOOL_CALL;
        this.call = call;
        this.position = position;
        this.first = first;
        finishReason = null;
    }

    /** The last chunk with a choice: an empty delta and why the answer ended. */
    void finish(String finishReason) {
        kind = FINISH;
        this.finishReason = finishReason;
    }

    /** Writes the chunk set last. */
    void write(JsonGenerator g, ChunkMembers x) throws IOException {
        g.writeStartObject();
        header(g, x);
        if (x.member(g, ROOT, "choices")) {
            g.writeStartArray();
            g.writeStartObject();
            if (x.member(g, CHOICE, "index")) {
                g.writeNumber(0);
            }
            if (x.member(g, CHOICE, "delta")) {
                g.writeStartObject();
                delta(g, x);
                x.rest(g, DELTA);
                g.writeEndObject();
            }
            if (x.member(g, CHOICE, "logprobs")) {
                g.writeNull();
            }
            if (x.member(g, CHOICE, "finish_reason")) {
                if (finishReason == null) {
                    g.writeNull();
                } else {
                    g.writeString(finishReason);
                }
            }
            x.rest(g, CHOICE);
            g.writeEndObject();
            g.writeEndArray();
        }
        if (includeUsage && x.member(g, ROOT, "usage")) {
            g.writeNull();
        }
        x.rest(g, ROOT);
        g.writeEndObject();
    }

    /** Writes the usage chunk: no choice, the usage (prompt tokens include the cached ones, as OpenAI counts them). */
    void writeUsage(JsonGenerator g, ChunkMembers x, Usage usage) throws IOException {
        g.writeStartObject();
        header(g, x);
        if (x.member(g, ROOT, "choices")) {
            g.writeStartArray();
            g.writeEndArray();
        }
        if (x.member(g, ROOT, "usage")) {
            CompletionWriter.usage(g, x.places(), usage);
        }
        x.rest(g, ROOT);
        g.writeEndObject();
    }

    private void header(JsonGenerator g, ChunkMembers x) throws IOException {
        if (x.member(g, ROOT, "id")) {
            g.writeString(id);
        }
        if (x.member(g, ROOT, "object")) {
            g.writeString("chat.completion.chunk");
        }
        x.number(g, ROOT, "created", created);
        if (x.member(g, ROOT, "model")) {
            g.writeString(model);
        }
        if (x.member(g, ROOT, "system_fingerprint")) {
            g.writeNull();
        }
    }

    private void delta(JsonGenerator g, ChunkMembers x) throws IOException {
        switch (kind) {
            case ROLE -> {
                if (x.member(g, DELTA, "role")) {
                    g.writeString("assistant");
                }
                if (x.member(g, DELTA, "content")) {
                    g.writeString("");
                }
                if (x.member(g, DELTA, "refusal")) {
                    g.writeNull();
                }
            }
            case TEXT -> {
                if (x.member(g, DELTA, field)) {
                    g.writeString(text);
                }
            }
            case TOOL_CALL -> {
                if (x.member(g, DELTA, "tool_calls")) {
                    g.writeStartArray();
                    g.writeStartObject();
                    g.writeNumberField("index", position);
                    if (first && call.id() != null) {
                        g.writeStringField("id", call.id());
                    }
                    if (first) {
                        g.writeStringField("type", "function");
                    }
                    g.writeObjectFieldStart("function");
                    if (first && call.name() != null) {
                        g.writeStringField("name", call.name());
                    }
                    g.writeStringField("arguments", call.argumentsDelta() == null ? "" : call.argumentsDelta());
                    g.writeEndObject();
                    g.writeEndObject();
                    g.writeEndArray();
                }
            }
            default -> {} // FINISH: an empty delta
        }
    }
}
