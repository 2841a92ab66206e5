package dev.caracal.gateway.openai.http.completions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the normalized events of one streamed answer into legacy {@code text_completion} chunks: one per piece of
 * text, then one with the {@code finish_reason}, then (when asked) one with empty {@code choices} and the usage.
 * Thinking, and tool calls (none are offered), produce nothing. Nothing is produced before the first text or the end,
 * so that a stream failing before any content can still be answered with an HTTP error. Not thread-safe: the gateway
 * delivers events from one thread at a time.
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

    /** The chunks to send for {@code event}, possibly none; {@code Error} events produce nothing here. */
    public List<ObjectNode> on(StreamEvent event) {
        List<ObjectNode> out = new ArrayList<>(2);
        if (ended) {
            return out;
        }
        if (event instanceof StreamEvent.Start start) {
            model = CompletionsRenderer.model(start.model(), model);
        } else if (event instanceof StreamEvent.TextDelta text) {
            if (text.text() != null && !text.text().isEmpty()) {
                out.add(chunk(text.text(), null));
            }
        } else if (event instanceof StreamEvent.UsageUpdate update && update.usage() != null) {
            Usage u = update.usage();
            usage = new Usage(
                    Math.max(usage.inputTokens(), u.inputTokens()),
                    Math.max(usage.outputTokens(), u.outputTokens()),
                    Math.max(usage.cachedInputTokens(), u.cachedInputTokens()),
                    Math.max(usage.cacheCreationInputTokens(), u.cacheCreationInputTokens()));
        } else if (event instanceof StreamEvent.End end) {
            out.add(chunk("", CompletionsRenderer.finishReason(end.stopReason())));
            if (includeUsage) {
                ObjectNode last = CompletionsRenderer.header(id, created, model);
                last.putArray("choices");
                last.set("usage", CompletionsRenderer.usage(usage));
                out.add(last);
            }
            ended = true;
        }
        return out;
    }

    private ObjectNode chunk(String text, String finishReason) {
        ObjectNode c = CompletionsRenderer.header(id, created, model);
        c.putArray("choices").add(CompletionsRenderer.choice(text, finishReason));
        if (includeUsage) {
            c.putNull("usage");
        }
        return c;
    }
}
