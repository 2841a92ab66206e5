package dev.caracal.gateway.openai.http.completions;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.caracal.gateway.openai.http.codec.ChunkSink;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.io.IOException;

/**
 * Turns the normalized events of one streamed answer into legacy {@code text_completion} chunks: one per piece of
 * text, then one with the {@code finish_reason}, then (when asked) one with empty {@code choices} and the usage.
 * Thinking, and tool calls (none are offered), produce nothing. Nothing is produced before the first text or the end,
 * so that a stream failing before any content can still be answered with an HTTP error. Chunks are written with a
 * generator into a {@link ChunkSink}, with the members of {@link CompletionsRenderer}'s objects in the same order.
 * Not thread-safe: the gateway delivers events from one thread at a time.
 */
public final class CompletionChunks {
    private final String id;
    private final long created;
    private final boolean includeUsage;
    private String model;
    private boolean ended;
    private Usage usage = Usage.ZERO;

    public CompletionChunks(String id, long created, String requestedModel, boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = requestedModel;
        this.includeUsage = includeUsage;
    }

    /** Writes the chunks for {@code event} into {@code out}, possibly none, and says how many. */
    public int on(StreamEvent event, ChunkSink out) throws IOException {
        if (ended) {
            return 0;
        }
        if (event instanceof StreamEvent.Start start) {
            model = CompletionsRenderer.model(start.model(), model);
        } else if (event instanceof StreamEvent.TextDelta text) {
            if (text.text() != null && !text.text().isEmpty()) {
                chunk(out, text.text(), null);
                return 1;
            }
        } else if (event instanceof StreamEvent.UsageUpdate update && update.usage() != null) {
            Usage u = update.usage();
            usage = new Usage(
                    Math.max(usage.inputTokens(), u.inputTokens()),
                    Math.max(usage.outputTokens(), u.outputTokens()),
                    Math.max(usage.cachedInputTokens(), u.cachedInputTokens()),
                    Math.max(usage.cacheCreationInputTokens(), u.cacheCreationInputTokens()));
        } else if (event instanceof StreamEvent.End end) {
            chunk(out, "", CompletionsRenderer.finishReason(end.stopReason()));
            ended = true;
            if (includeUsage) {
                JsonGenerator g = header(out);
                g.writeArrayFieldStart("choices");
                g.writeEndArray();
                g.writeObjectFieldStart("usage");
                g.writeNumberField("prompt_tokens", usage.inputTokens());
                g.writeNumberField("completion_tokens", usage.outputTokens());
                g.writeNumberField("total_tokens", usage.totalTokens());
                g.writeEndObject();
                g.writeEndObject();
                out.end();
                return 2;
            }
            return 1;
        }
        return 0;
    }

    private void chunk(ChunkSink out, String text, String finishReason) throws IOException {
        JsonGenerator g = header(out);
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeStringField("text", text);
        g.writeNumberField("index", 0);
        g.writeNullField("logprobs");
        if (finishReason == null) {
            g.writeNullField("finish_reason");
        } else {
            g.writeStringField("finish_reason", finishReason);
        }
        g.writeEndObject();
        g.writeEndArray();
        if (includeUsage) {
            g.writeNullField("usage");
        }
        g.writeEndObject();
        out.end();
    }

    /** Starts a chunk with the members every one has first. */
    private JsonGenerator header(ChunkSink out) throws IOException {
        JsonGenerator g = out.begin();
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "text_completion");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeNullField("system_fingerprint");
        return g;
    }
}
