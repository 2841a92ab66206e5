package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns normalized {@link StreamEvent}s into Anthropic's server-sent events, in Anthropic's order:
 * {@code message_start}; per content block {@code content_block_start} (a {@code ping} after the first one),
 * {@code content_block_delta}s and {@code content_block_stop}; then {@code message_delta} and {@code message_stop}.
 * <p>
 * A new normalized content {@code index} (or a change of kind: text, tool call, thinking) closes the open block and
 * opens the next; Anthropic block indexes count from 0 without gaps. Thinking is a {@code thinking} block (started
 * with empty {@code thinking} and {@code signature}, as Anthropic starts it) carrying {@code thinking_delta}s and
 * then its {@code signature_delta}; redacted thinking is a whole {@code redacted_thinking} block, started with its
 * {@code data} and stopped at once.
 * <p>
 * {@code message_start} is held back until the first content or the end, so that usage reported early (input
 * tokens) is in it and a failure before any content can still be answered with an HTTP error: until
 * {@link #started()}, nothing has been produced. Not thread-safe; the gateway calls a stream's handler from one
 * thread at a time.
 * <p>
 * What an Anthropic upstream's {@code message_start} and {@code message_delta} held beyond the normalized events
 * ({@link StreamEvent.Extras}) is written, where it was, on the events produced for them.
 * <p>
 * Events are written with a generator into an {@link EventSink} ({@link StreamEventJson}), not made as trees (a tree
 * per event, then its text, was most of what writing a stream allocated: issue 15); only the {@code message_start}
 * and {@code message_delta} carrying an upstream's members are still trees.
 */
public final class MessageStreamEncoder {

    private enum BlockKind {
        TEXT,
        TOOL_USE,
        THINKING,
        REDACTED_THINKING
    }

    private final String messageId;
    private final String requestedModel;
    private final List<String> stopSequences;
    private final Supplier<String> toolUseIds;

    private String model;
    private Usage usage = Usage.ZERO;
    private boolean started;
    private boolean finished;
    private int blocks;
    /** The normalized index and kind of the open block; {@code openIndex < 0} when none is open. */
    private int openIndex = -1;

    private BlockKind openKind;
    /** Unmodeled members of the upstream's message_start and message_delta, for the events written for them. */
    private Map<String, String> startExtras = Map.of();

    private Map<String, String> deltaExtras = Map.of();
    private final Set<Integer> closedIndexes = new HashSet<>();

    /**
     * @param messageId      the {@code msg_...} id of the answer
     * @param requestedModel the model the request named, used until the stream names the upstream model
     * @param stopSequences  the request's stop sequences, to name the one that matched
     * @param toolUseIds     ids for tool calls whose upstream gave none
     */
    public MessageStreamEncoder(
            String messageId, String requestedModel, List<String> stopSequences, Supplier<String> toolUseIds) {
        this.messageId = messageId;
        this.requestedModel = requestedModel;
        this.stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
        this.toolUseIds = toolUseIds;
    }

    /** Whether {@code message_start} has been produced (the response is committed to a stream). */
    public boolean started() {
        return started;
    }

    /** Whether the stream has ended ({@code message_stop} or {@code error} produced). */
    public boolean finished() {
        return finished;
    }

    /**
     * Writes the SSE events for one normalized event into {@code out} (often none, for example for usage). An
     * {@code Error} before {@link #started()} writes nothing and leaves the stream unfinished: the caller answers with
     * an HTTP error.
     */
    public void encode(StreamEvent event, EventSink out) throws IOException {
        if (finished) {
            return;
        }
        if (event instanceof StreamEvent.Start s) {
            if (s.model() != null && !s.model().isBlank()) {
                model = s.model();
            }
        } else if (event instanceof StreamEvent.UsageUpdate u) {
            if (u.usage() != null) {
                usage = max(usage, u.usage());
            }
        } else if (event instanceof StreamEvent.Extras x) {
            keep(x.extras());
        } else if (event instanceof StreamEvent.TextDelta t) {
            if (enterBlock(t.index(), BlockKind.TEXT, null, null, out)) {
                delta("text_delta", "text", t.text(), out);
            }
        } else if (event instanceof StreamEvent.ToolCallDelta c) {
            if (enterBlock(c.index(), BlockKind.TOOL_USE, c.id(), c.name(), out)) {
                delta("input_json_delta", "partial_json", c.argumentsDelta(), out);
            }
        } else if (event instanceof StreamEvent.ThinkingDelta t) {
            if (enterBlock(t.index(), BlockKind.THINKING, null, null, out)) {
                delta("thinking_delta", "thinking", t.text(), out);
            }
        } else if (event instanceof StreamEvent.ThinkingSignature sig) {
            if (enterBlock(sig.index(), BlockKind.THINKING, null, null, out)) {
                delta("signature_delta", "signature", sig.signature(), out);
            }
        } else if (event instanceof StreamEvent.RedactedThinking r) {
            if (enterBlock(r.index(), BlockKind.REDACTED_THINKING, r.data(), null, out)) {
                closeBlock(out);
            }
        } else if (event instanceof StreamEvent.End e) {
            StopReason reason = e.stopReason() == null ? StopReason.END_TURN : e.stopReason();
            if (reason == StopReason.ERROR) {
                if (started) {
                    error(AnthropicError.API, "the upstream ended the answer with an error", out);
                } // else nothing sent yet: the caller answers with an HTTP error
            } else {
                ensureStarted(out);
                closeBlock(out);
                messageDelta(reason, out);
                StreamEventJson.bare(out.begin("message_stop"), "message_stop", -1);
                out.end();
                finished = true;
            }
        } else if (event instanceof StreamEvent.Error err) {
            if (started) {
                AnthropicError mapped = AnthropicErrors.from(err.error());
                error(mapped.type(), mapped.getMessage(), out);
            }
        }
    }

    /**
     * Keeps an Anthropic upstream's unmodeled {@code message_start} or {@code message_delta} members for the event
     * written for it (members of other events have no place here and are left out).
     */
    private void keep(ResponseExtras extras) {
        if (!extras.carriableTo(MessagesRequestReader.FORMAT)) {
            return;
        }
        if ("message_start".equals(extras.scope()) && !started) {
            startExtras = merged(startExtras, extras.members());
        } else if ("message_delta".equals(extras.scope())) {
            deltaExtras = merged(deltaExtras, extras.members());
        }
    }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        if (a.isEmpty()) {
            return b;
        }
        Map<String, String> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    /** Writes an {@code error} event that ends the stream (after {@link #started()}). */
    public void error(String type, String message, EventSink out) throws IOException {
        finished = true;
        out.whole("error", AnthropicErrors.envelope(type, message, null).toString());
    }

    /**
     * Makes the block of normalized {@code index} the open one, opening a new Anthropic block when needed. Returns
     * false (after writing an {@code error} event) when a block that was already closed comes back: Anthropic blocks
     * cannot be reopened, so an upstream that interleaves blocks cannot be expressed. A tool-use block opens with id
     * {@code a} (one made up when it has none) and name {@code b}, a redacted thinking block with data {@code a}.
     */
    private boolean enterBlock(int index, BlockKind kind, String a, String b, EventSink out) throws IOException {
        ensureStarted(out);
        if (index == openIndex && kind == openKind) {
            return true;
        }
        if (closedIndexes.contains(index)) {
            error(
                    AnthropicError.API,
                    "the upstream interleaved content blocks (block " + index
                            + " continued after the next one began), which the Anthropic stream format cannot express",
                    out);
            return false;
        }
        closeBlock(out);
        JsonGenerator g = out.begin("content_block_start");
        switch (kind) {
            case TEXT -> StreamEventJson.blockStart(g, blocks, "text", null, null);
            case TOOL_USE ->
                StreamEventJson.blockStart(
                        g, blocks, "tool_use", a == null || a.isBlank() ? toolUseIds.get() : a, b == null ? "" : b);
            case THINKING -> StreamEventJson.blockStart(g, blocks, "thinking", null, null);
            case REDACTED_THINKING ->
                StreamEventJson.blockStart(g, blocks, "redacted_thinking", a == null ? "" : a, null);
        }
        out.end();
        if (blocks == 0) {
            StreamEventJson.bare(out.begin("ping"), "ping", -1);
            out.end();
        }
        openIndex = index;
        openKind = kind;
        return true;
    }

    /** A {@code content_block_delta} of the open block, unless {@code value} is empty. */
    private void delta(String type, String field, String value, EventSink out) throws IOException {
        if (value != null && !value.isEmpty()) {
            StreamEventJson.blockDelta(out.begin("content_block_delta"), blocks, type, field, value);
            out.end();
        }
    }

    private void closeBlock(EventSink out) throws IOException {
        if (openKind == null) {
            return;
        }
        StreamEventJson.bare(out.begin("content_block_stop"), "content_block_stop", blocks);
        out.end();
        closedIndexes.add(openIndex);
        blocks++;
        openIndex = -1;
        openKind = null;
    }

    private void ensureStarted(EventSink out) throws IOException {
        if (started) {
            return;
        }
        started = true;
        String m = model == null ? requestedModel : model;
        if (startExtras.isEmpty()) {
            StreamEventJson.messageStart(out.begin("message_start"), messageId, m, usage);
            out.end();
        } else {
            out.whole(
                    "message_start",
                    StreamEventJson.messageStart(messageId, m, usage, startExtras)
                            .toString());
        }
    }

    private void messageDelta(StopReason reason, EventSink out) throws IOException {
        if (deltaExtras.isEmpty()) {
            StreamEventJson.messageDelta(out.begin("message_delta"), reason, stopSequences, usage);
            out.end();
        } else {
            out.whole(
                    "message_delta",
                    StreamEventJson.messageDelta(reason, stopSequences, usage, deltaExtras)
                            .toString());
        }
    }

    /**
     * Usage reports are running totals, possibly partial (input first, output later): the field-wise maximum is the
     * best total so far either way.
     */
    private static Usage max(Usage a, Usage b) {
        return new Usage(
                Math.max(a.inputTokens(), b.inputTokens()),
                Math.max(a.outputTokens(), b.outputTokens()),
                Math.max(a.cachedInputTokens(), b.cachedInputTokens()),
                Math.max(a.cacheCreationInputTokens(), b.cacheCreationInputTokens()));
    }
}
