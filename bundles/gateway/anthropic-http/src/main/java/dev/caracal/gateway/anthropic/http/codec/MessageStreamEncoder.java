package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
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
     * The SSE events for one normalized event (often none, for example for usage). An {@code Error} before
     * {@link #started()} produces nothing and leaves the stream unfinished: the caller answers with an HTTP error.
     */
    public List<SseEvent> encode(StreamEvent event) {
        List<SseEvent> out = new ArrayList<>(4);
        if (finished) {
            return out;
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
            if (enterBlock(t.index(), BlockKind.TEXT, () -> block("text").put("text", ""), out)) {
                if (t.text() != null && !t.text().isEmpty()) {
                    ObjectNode delta = JsonNodeFactory.instance.objectNode();
                    delta.put("type", "text_delta");
                    delta.put("text", t.text());
                    out.add(blockDelta(delta));
                }
            }
        } else if (event instanceof StreamEvent.ToolCallDelta c) {
            if (enterBlock(c.index(), BlockKind.TOOL_USE, () -> toolUseBlock(c.id(), c.name()), out)) {
                if (c.argumentsDelta() != null && !c.argumentsDelta().isEmpty()) {
                    ObjectNode delta = JsonNodeFactory.instance.objectNode();
                    delta.put("type", "input_json_delta");
                    delta.put("partial_json", c.argumentsDelta());
                    out.add(blockDelta(delta));
                }
            }
        } else if (event instanceof StreamEvent.ThinkingDelta t) {
            if (enterBlock(t.index(), BlockKind.THINKING, MessageStreamEncoder::thinkingBlock, out)) {
                if (t.text() != null && !t.text().isEmpty()) {
                    ObjectNode delta = JsonNodeFactory.instance.objectNode();
                    delta.put("type", "thinking_delta");
                    delta.put("thinking", t.text());
                    out.add(blockDelta(delta));
                }
            }
        } else if (event instanceof StreamEvent.ThinkingSignature sig) {
            if (enterBlock(sig.index(), BlockKind.THINKING, MessageStreamEncoder::thinkingBlock, out)) {
                if (sig.signature() != null && !sig.signature().isEmpty()) {
                    ObjectNode delta = JsonNodeFactory.instance.objectNode();
                    delta.put("type", "signature_delta");
                    delta.put("signature", sig.signature());
                    out.add(blockDelta(delta));
                }
            }
        } else if (event instanceof StreamEvent.RedactedThinking r) {
            if (enterBlock(
                    r.index(),
                    BlockKind.REDACTED_THINKING,
                    () -> block("redacted_thinking").put("data", r.data() == null ? "" : r.data()),
                    out)) {
                closeBlock(out);
            }
        } else if (event instanceof StreamEvent.End e) {
            StopReason reason = e.stopReason() == null ? StopReason.END_TURN : e.stopReason();
            if (reason == StopReason.ERROR) {
                if (!started) {
                    return out; // nothing sent yet: the caller answers with an HTTP error
                }
                out.add(error(AnthropicError.API, "the upstream ended the answer with an error"));
            } else {
                ensureStarted(out);
                closeBlock(out);
                out.add(messageDelta(reason));
                ObjectNode stop = JsonNodeFactory.instance.objectNode();
                stop.put("type", "message_stop");
                out.add(new SseEvent("message_stop", stop));
                finished = true;
            }
        } else if (event instanceof StreamEvent.Error err) {
            if (started) {
                AnthropicError mapped = AnthropicErrors.from(err.error());
                out.add(error(mapped.type(), mapped.getMessage()));
            }
        }
        return out;
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

    /** An {@code error} event that ends the stream (after {@link #started()}). */
    public SseEvent error(String type, String message) {
        finished = true;
        return new SseEvent("error", AnthropicErrors.envelope(type, message, null));
    }

    /**
     * Makes the block of normalized {@code index} the open one, opening a new Anthropic block when needed. Returns
     * false (after adding an {@code error} event) when a block that was already closed comes back: Anthropic blocks
     * cannot be reopened, so an upstream that interleaves blocks cannot be expressed. {@code contentBlock} gives the
     * {@code content_block} of the {@code content_block_start}; it is asked only when a block is opened.
     */
    private boolean enterBlock(int index, BlockKind kind, Supplier<ObjectNode> contentBlock, List<SseEvent> out) {
        ensureStarted(out);
        if (index == openIndex && kind == openKind) {
            return true;
        }
        if (closedIndexes.contains(index)) {
            out.add(
                    error(
                            AnthropicError.API,
                            "the upstream interleaved content blocks (block " + index
                                    + " continued after the next one began), which the Anthropic stream format cannot express"));
            return false;
        }
        closeBlock(out);
        ObjectNode block = contentBlock.get();
        ObjectNode start = JsonNodeFactory.instance.objectNode();
        start.put("type", "content_block_start");
        start.put("index", blocks);
        start.set("content_block", block);
        out.add(new SseEvent("content_block_start", start));
        if (blocks == 0) {
            ObjectNode ping = JsonNodeFactory.instance.objectNode();
            ping.put("type", "ping");
            out.add(new SseEvent("ping", ping));
        }
        openIndex = index;
        openKind = kind;
        return true;
    }

    private static ObjectNode block(String type) {
        ObjectNode block = JsonNodeFactory.instance.objectNode();
        block.put("type", type);
        return block;
    }

    private ObjectNode toolUseBlock(String toolId, String toolName) {
        ObjectNode block = block("tool_use");
        block.put("id", toolId == null || toolId.isBlank() ? toolUseIds.get() : toolId);
        block.put("name", toolName == null ? "" : toolName);
        block.putObject("input");
        return block;
    }

    /** A thinking block as Anthropic starts it: text and signature follow as deltas. */
    private static ObjectNode thinkingBlock() {
        return block("thinking").put("thinking", "").put("signature", "");
    }

    private void closeBlock(List<SseEvent> out) {
        if (openKind == null) {
            return;
        }
        ObjectNode stop = JsonNodeFactory.instance.objectNode();
        stop.put("type", "content_block_stop");
        stop.put("index", blocks);
        out.add(new SseEvent("content_block_stop", stop));
        closedIndexes.add(openIndex);
        blocks++;
        openIndex = -1;
        openKind = null;
    }

    private SseEvent blockDelta(ObjectNode delta) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("type", "content_block_delta");
        d.put("index", blocks);
        d.set("delta", delta);
        return new SseEvent("content_block_delta", d);
    }

    private void ensureStarted(List<SseEvent> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode message = MessagesResponseWriter.messageHead(messageId, model == null ? requestedModel : model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", MessagesResponseWriter.usage(usage));
        ObjectNode start = JsonNodeFactory.instance.objectNode();
        start.put("type", "message_start");
        start.set("message", message);
        MessagesResponseWriter.putExtras(start, startExtras);
        out.add(new SseEvent("message_start", start));
    }

    /** {@code message_delta}: the stop reason and the final usage (cumulative, as Anthropic reports it). */
    private SseEvent messageDelta(StopReason reason) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("type", "message_delta");
        ObjectNode delta = d.putObject("delta");
        delta.put("stop_reason", MessagesResponseWriter.stopReason(reason));
        MessagesResponseWriter.putStopSequence(delta, reason, stopSequences);
        ObjectNode u = d.putObject("usage");
        u.put("input_tokens", MessagesResponseWriter.inputTokens(usage));
        u.put("output_tokens", usage.outputTokens());
        u.put("cache_creation_input_tokens", usage.cacheCreationInputTokens());
        u.put("cache_read_input_tokens", usage.cachedInputTokens());
        MessagesResponseWriter.putExtras(d, deltaExtras);
        return new SseEvent("message_delta", d);
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
