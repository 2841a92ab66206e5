package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionRenderer.F;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the normalized events of one streamed answer into OpenAI {@code chat.completion.chunk} objects, in order.
 * Not thread-safe: the gateway delivers events from one thread at a time.
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
 * the next event (its usage details on the usage chunk).</li>
 * </ul>
 */
public final class ChunkStream {
    private final String id;
    private final long created;
    private final boolean includeUsage;
    private String model;
    private boolean roleSent;
    private boolean ended;
    private final Map<Integer, Integer> toolCallIndex = new HashMap<>();
    private Usage usage = Usage.ZERO;
    /** Unmodeled members of the upstream chunks not yet written: for the next chunk, and for the usage chunk. */
    private Map<String, String> pendingExtras;

    private Map<String, String> pendingUsageExtras;

    public ChunkStream(String id, long created, String requestedModel, boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = requestedModel;
        this.includeUsage = includeUsage;
    }

    /**
     * The chunks to send for {@code event}: possibly none. {@code Error} events produce nothing here; render them
     * with {@link OpenAiErrors}.
     */
    public List<ObjectNode> on(StreamEvent event) {
        List<ObjectNode> out = new ArrayList<>(3);
        if (ended) {
            return out;
        }
        if (event instanceof StreamEvent.Start start) {
            model = ChatCompletionRenderer.modelOf(start.model(), model);
        } else if (event instanceof StreamEvent.TextDelta text) {
            role(out);
            if (text.text() != null && !text.text().isEmpty()) {
                ObjectNode delta = F.objectNode();
                delta.put("content", text.text());
                out.add(chunk(delta, null));
            }
        } else if (event instanceof StreamEvent.ThinkingDelta thinking) {
            role(out);
            if (thinking.text() != null && !thinking.text().isEmpty()) {
                ObjectNode delta = F.objectNode();
                delta.put("reasoning_content", thinking.text());
                out.add(chunk(delta, null));
            }
        } else if (event instanceof StreamEvent.ToolCallDelta call) {
            role(out);
            out.add(chunk(toolCallDelta(call), null));
        } else if (event instanceof StreamEvent.UsageUpdate update) {
            usage = merge(usage, update.usage());
        } else if (event instanceof StreamEvent.Extras extras) {
            keep(extras.extras());
        } else if (event instanceof StreamEvent.End end) {
            role(out);
            out.add(chunk(F.objectNode(), ChatCompletionRenderer.finishReason(end.stopReason())));
            if (includeUsage) {
                out.add(usageChunk());
            }
            ended = true;
        }
        if (pendingExtras != null && !out.isEmpty()) {
            // the chunks made of one upstream chunk (a first chunk's role chunk and its content) all carry its members
            for (ObjectNode chunk : out) {
                ChatCompletionRenderer.putExtras(chunk, pendingExtras);
            }
            pendingExtras = null;
        }
        return out;
    }

    /** Whether the first chunk has been produced (the stream has visibly started). */
    public boolean started() {
        return roleSent;
    }

    public Usage usage() {
        return usage;
    }

    /**
     * Keeps an OpenAI-format upstream chunk's unmodeled members for the chunk written for it: the next one written, or
     * for members of its usage, the usage chunk.
     */
    private void keep(ResponseExtras extras) {
        if (!extras.carriableTo(ChatCompletionParser.FORMAT)) {
            return;
        }
        extras.members().forEach((pointer, raw) -> {
            if (pointer.startsWith("/usage/")) {
                if (pendingUsageExtras == null) {
                    pendingUsageExtras = new LinkedHashMap<>();
                }
                pendingUsageExtras.put(pointer, raw);
            } else {
                if (pendingExtras == null) {
                    pendingExtras = new LinkedHashMap<>();
                }
                pendingExtras.put(pointer, raw);
            }
        });
    }

    private void role(List<ObjectNode> out) {
        if (!roleSent) {
            roleSent = true;
            ObjectNode delta = F.objectNode();
            delta.put("role", "assistant");
            delta.put("content", "");
            delta.putNull("refusal");
            out.add(chunk(delta, null));
        }
    }

    private ObjectNode toolCallDelta(StreamEvent.ToolCallDelta call) {
        Integer position = toolCallIndex.get(call.index());
        boolean first = position == null;
        if (first) {
            position = toolCallIndex.size();
            toolCallIndex.put(call.index(), position);
        }
        ObjectNode tc = F.objectNode();
        tc.put("index", position);
        if (first && call.id() != null) {
            tc.put("id", call.id());
        }
        if (first) {
            tc.put("type", "function");
        }
        ObjectNode fn = tc.putObject("function");
        if (first && call.name() != null) {
            fn.put("name", call.name());
        }
        fn.put("arguments", call.argumentsDelta() == null ? "" : call.argumentsDelta());
        ObjectNode delta = F.objectNode();
        delta.putArray("tool_calls").add(tc);
        return delta;
    }

    private ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode c = header();
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            c.putNull("usage");
        }
        return c;
    }

    private ObjectNode usageChunk() {
        ObjectNode c = header();
        c.putArray("choices");
        c.set("usage", ChatCompletionRenderer.usage(usage));
        if (pendingUsageExtras != null) {
            ChatCompletionRenderer.putExtras(c, pendingUsageExtras);
            pendingUsageExtras = null;
        }
        return c;
    }

    private ObjectNode header() {
        ObjectNode c = F.objectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        c.putNull("system_fingerprint");
        return c;
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
