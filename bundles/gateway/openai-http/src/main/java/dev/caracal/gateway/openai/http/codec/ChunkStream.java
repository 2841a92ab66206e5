package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.caracal.core.json.Json;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the normalized events of one streamed answer into OpenAI {@code chat.completion.chunk} objects, in order,
 * written into a {@link ChunkSink}. Not thread-safe: the gateway delivers events from one thread at a time.
 * <ul>
 * <li>The first chunk carries {@code delta.role=assistant}; it is produced with the first content (or the end), not
 * on {@code Start}, so that a stream failing before any content can still be answered with an HTTP error.</li>
 * <li>Thinking deltas become {@code delta.reasoning_content} pieces (the field DeepSeek, vLLM and other
 * OpenAI-compatible servers stream); thinking signatures and redacted thinking have no form in OpenAI's API and
 * produce nothing.</li>
 * <li>Tool-call deltas are numbered by their position among the answer's tool calls (OpenAI's {@code index}), not by
 * the normalized content index; {@code id}, {@code type} and {@code name} go only on a call's first delta.</li>
 * <li>Usage updates are merged field by field (largest value wins, so cumulative and split reports both come out
 * right) and sent, when asked for, in a last chunk with empty {@code choices}.</li>
 * <li>What an OpenAI-format upstream's chunk held beyond the normalized events ({@link StreamEvent.Extras}: a
 * {@code system_fingerprint}, a delta's {@code logprobs}) is written, where it was, on the chunks produced next, for
 * the next event (its usage details on the usage chunk): see {@link ChunkMembers}.</li>
 * </ul>
 */
public final class ChunkStream {
    private final boolean includeUsage;
    private final ChunkWriter writer;
    private final ChunkMembers members = new ChunkMembers();
    private final Map<Integer, Integer> toolCallIndex = new HashMap<>();
    private boolean roleSent;
    private boolean ended;
    private Usage usage = Usage.ZERO;

    public ChunkStream(String id, long created, String requestedModel, boolean includeUsage) {
        this.writer = new ChunkWriter(id, created, requestedModel, includeUsage);
        this.includeUsage = includeUsage;
    }

    /**
     * Writes the chunks for {@code event} into {@code out}, possibly none, and says how many. {@code Error} events
     * produce nothing here; render them with {@link OpenAiErrors}.
     */
    public int on(StreamEvent event, ChunkSink out) throws IOException {
        if (ended) {
            return 0;
        }
        int written = 0;
        if (event instanceof StreamEvent.Start start) {
            writer.model = ChatCompletionRenderer.modelOf(start.model(), writer.model);
        } else if (event instanceof StreamEvent.TextDelta text) {
            written += role(out);
            if (text.text() != null && !text.text().isEmpty()) {
                writer.text("content", text.text());
                written += send(out);
            }
        } else if (event instanceof StreamEvent.ThinkingDelta thinking) {
            written += role(out);
            if (thinking.text() != null && !thinking.text().isEmpty()) {
                writer.text("reasoning_content", thinking.text());
                written += send(out);
            }
        } else if (event instanceof StreamEvent.ToolCallDelta call) {
            written += role(out);
            Integer position = toolCallIndex.get(call.index());
            boolean first = position == null;
            if (first) {
                position = toolCallIndex.size();
                toolCallIndex.put(call.index(), position);
            }
            writer.toolCall(call, position, first);
            written += send(out);
        } else if (event instanceof StreamEvent.UsageUpdate update) {
            usage = merge(usage, update.usage());
        } else if (event instanceof StreamEvent.Extras extras) {
            members.keep(extras.extras());
        } else if (event instanceof StreamEvent.End end) {
            String finishReason = ChatCompletionRenderer.finishReason(end.stopReason());
            written += role(out);
            writer.finish(finishReason);
            written += send(out);
            if (includeUsage) {
                written += sendUsage(out);
            }
            ended = true;
        }
        if (written > 0) {
            // the chunks made of one upstream chunk (a first chunk's role chunk and its content) all carry its members
            members.chunksWritten();
        }
        return written;
    }

    /** Whether the first chunk has been produced (the stream has visibly started). */
    public boolean started() {
        return roleSent;
    }

    public Usage usage() {
        return usage;
    }

    private int role(ChunkSink out) throws IOException {
        if (roleSent) {
            return 0;
        }
        roleSent = true;
        writer.role();
        return send(out);
    }

    /** Writes the chunk set on the writer, with the waiting members. */
    private int send(ChunkSink out) throws IOException {
        if (members.placeContent()) {
            JsonGenerator g = out.begin();
            writer.write(g, members);
            out.end();
        } else {
            TokenBuffer tokens = new TokenBuffer(null, false);
            writer.write(tokens, ChunkMembers.NONE);
            ObjectNode tree = tree(tokens);
            members.putOnContent(tree);
            out.whole(tree.toString());
        }
        return 1;
    }

    private int sendUsage(ChunkSink out) throws IOException {
        if (members.placeUsage()) {
            JsonGenerator g = out.begin();
            writer.writeUsage(g, members, usage);
            out.end();
        } else {
            TokenBuffer tokens = new TokenBuffer(null, false);
            writer.writeUsage(tokens, ChunkMembers.NONE, usage);
            ObjectNode tree = tree(tokens);
            members.putOnUsage(tree);
            out.whole(tree.toString());
        }
        return 1;
    }

    /** A chunk written into tokens, as a tree: for members only a tree can place (see {@link ChunkMembers}). */
    private static ObjectNode tree(TokenBuffer tokens) throws IOException {
        try (var parser = tokens.asParser()) {
            return (ObjectNode) Json.mapper().readTree(parser);
        }
    }

    /**
     * The usage so far after an update that may report only some counts: the larger of each (a stream's usage only
     * grows). Also the Responses stream's ({@code ResponseEventStream}).
     */
    public static Usage merge(Usage a, Usage b) {
        if (b == null) {
            return a;
        }
        return new Usage(
                Math.max(a.inputTokens(), b.inputTokens()),
                Math.max(a.outputTokens(), b.outputTokens()),
                Math.max(a.cachedInputTokens(), b.cachedInputTokens()),
                Math.max(a.cacheCreationInputTokens(), b.cacheCreationInputTokens()));
    }
}
