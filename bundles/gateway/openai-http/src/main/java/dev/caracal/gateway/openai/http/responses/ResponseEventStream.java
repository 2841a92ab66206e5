package dev.caracal.gateway.openai.http.responses;

import static dev.caracal.gateway.openai.http.responses.ResponseRenderer.F;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.ChunkStream;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the normalized events of one streamed answer into the Responses API's stream events, each with its
 * {@code type} and a {@code sequence_number} counting from 0. Not thread-safe: the gateway delivers events from one
 * thread at a time.
 * <ul>
 * <li>{@code response.created} and {@code response.in_progress} come with the first content (or the end), not on
 * {@code Start}, so that a stream failing before any content can still be answered with an HTTP error.</li>
 * <li>Each block of the answer is an output item, opened with {@code response.output_item.added} and closed, when the
 * next block starts or the answer ends, with its done events and {@code response.output_item.done}: text is a
 * {@code message} ({@code content_part.added}, {@code output_text.delta}s, {@code output_text.done},
 * {@code content_part.done}); a tool call a {@code function_call} ({@code function_call_arguments.delta}s and
 * {@code .done}); thinking a {@code reasoning} item ({@code reasoning_text.delta}s and {@code .done}, the signature as
 * its {@code encrypted_content}).</li>
 * <li>Blocks are expected one after the other, as providers stream them: a delta for a block already closed (an
 * interleaved tool call) is sent with no event of its own and is not in the item already done.</li>
 * <li>The end is {@code response.completed}, or {@code response.incomplete} when the token limit or a content filter
 * cut the answer, carrying the whole response with its usage (usage updates merged field by field, largest wins),
 * once the {@link Finisher} has kept it; a failure after the start, or a finisher's refusal, is
 * {@code response.failed}.</li>
 * </ul>
 */
public final class ResponseEventStream {
    /** One event: its type (also its SSE {@code event:} name) and its JSON. */
    public record Event(String type, ObjectNode data) {}

    private enum Kind {
        MESSAGE,
        FUNCTION_CALL,
        REASONING
    }

    /** One output item as it is streamed. */
    private static final class Item {
        final Kind kind;
        final String id;
        final int outputIndex;
        final StringBuilder text = new StringBuilder();
        String callId;
        String name;
        String signature;
        ObjectNode done;

        Item(Kind kind, String id, int outputIndex) {
            this.kind = kind;
            this.id = id;
            this.outputIndex = outputIndex;
        }
    }

    /** Keeps (stores) the finished response before its final event; answers the error that fails it instead. */
    @FunctionalInterface
    public interface Finisher {
        /** Null when {@code response} may be announced; else the error the stream fails with. */
        OpenAiError finish(ObjectNode response);
    }

    private ResponseRenderer.Header header;
    private final Finisher finisher;
    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, Item> toolCalls = new HashMap<>();
    private final Map<Integer, Item> thinking = new HashMap<>();
    private Item open;
    private int sequence;
    private boolean started;
    private boolean ended;
    private Usage usage = Usage.ZERO;
    private ObjectNode finished;

    public ResponseEventStream(ResponseRenderer.Header header, Finisher finisher) {
        this.header = header;
        this.finisher = finisher;
    }

    /** The events to send for {@code event}, possibly none. {@code Error} events produce nothing here. */
    public List<Event> on(StreamEvent event) {
        List<Event> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        if (event instanceof StreamEvent.Start start) {
            if (start.model() != null && !start.model().isEmpty()) {
                header = new ResponseRenderer.Header(header.id(), header.createdAt(), start.model(), header.echo());
            }
        } else if (event instanceof StreamEvent.TextDelta text) {
            start(out);
            if (text.text() != null && !text.text().isEmpty()) {
                Item item = open != null && open.kind == Kind.MESSAGE ? open : openMessage(out);
                item.text.append(text.text());
                ObjectNode d = itemEvent(item);
                d.put("content_index", 0);
                d.put("delta", text.text());
                d.putArray("logprobs");
                out.add(event("response.output_text.delta", d));
            }
        } else if (event instanceof StreamEvent.ThinkingDelta delta) {
            start(out);
            Item item = thinking.get(delta.index());
            if (item == null) {
                item = openItem(Kind.REASONING, ResponseIds.reasoning(), out);
                thinking.put(delta.index(), item);
            }
            if (delta.text() != null && !delta.text().isEmpty()) {
                item.text.append(delta.text());
                if (item == open) {
                    ObjectNode d = itemEvent(item);
                    d.put("content_index", 0);
                    d.put("delta", delta.text());
                    out.add(event("response.reasoning_text.delta", d));
                }
            }
        } else if (event instanceof StreamEvent.ThinkingSignature signature) {
            Item item = thinking.get(signature.index());
            if (item != null) {
                item.signature = signature.signature();
            }
        } else if (event instanceof StreamEvent.ToolCallDelta call) {
            start(out);
            Item item = toolCalls.get(call.index());
            if (item == null) {
                item = new Item(Kind.FUNCTION_CALL, ResponseIds.functionCall(), items.size());
                item.callId = call.id() == null ? item.id : call.id();
                item.name = call.name() == null ? "" : call.name();
                toolCalls.put(call.index(), item);
                open(item, out);
            }
            String args = call.argumentsDelta();
            if (args != null && !args.isEmpty()) {
                item.text.append(args);
                if (item == open) {
                    ObjectNode d = itemEvent(item);
                    d.put("delta", args);
                    out.add(event("response.function_call_arguments.delta", d));
                }
            }
        } else if (event instanceof StreamEvent.UsageUpdate update) {
            usage = ChunkStream.merge(usage, update.usage());
        } else if (event instanceof StreamEvent.End end) {
            start(out);
            close(out, end.stopReason());
            List<ObjectNode> output = new ArrayList<>();
            for (Item item : items) {
                output.add(item.done);
            }
            ObjectNode response = ResponseRenderer.response(header, output, end.stopReason(), usage);
            OpenAiError refused = finisher.finish(response);
            if (refused != null) {
                out.addAll(failed(refused));
                return out;
            }
            finished = response;
            ObjectNode d = F.objectNode();
            d.set("response", finished);
            String status = finished.path("status").asText();
            out.add(event(status.equals("completed") ? "response.completed" : "response.incomplete", d));
            ended = true;
        }
        return out;
    }

    /**
     * The {@code response} object the stream ended with (its final event's), once the {@code End} event has been
     * handled; else null.
     */
    public ObjectNode finished() {
        return finished;
    }

    /** The event that ends a stream failing after it started: {@code response.failed} with the error. */
    public List<Event> failed(OpenAiError error) {
        List<Event> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        ended = true;
        start(out);
        ObjectNode d = F.objectNode();
        d.set("response", ResponseRenderer.failed(header, error));
        out.add(event("response.failed", d));
        return out;
    }

    /** Whether the stream has visibly started ({@code response.created} produced). */
    public boolean started() {
        return started;
    }

    private void start(List<Event> out) {
        if (started) {
            return;
        }
        started = true;
        for (String type : new String[] {"response.created", "response.in_progress"}) {
            ObjectNode d = F.objectNode();
            d.set("response", ResponseRenderer.skeleton(header, "in_progress"));
            out.add(event(type, d));
        }
    }

    private Item openMessage(List<Event> out) {
        Item item = openItem(Kind.MESSAGE, ResponseIds.message(), out);
        ObjectNode d = itemEvent(item);
        d.put("content_index", 0);
        d.set("part", ResponseInputParser.outputText(""));
        out.add(event("response.content_part.added", d));
        return item;
    }

    private Item openItem(Kind kind, String id, List<Event> out) {
        Item item = new Item(kind, id, items.size());
        open(item, out);
        return item;
    }

    /** Closes the open item and opens {@code item} with {@code response.output_item.added}. */
    private void open(Item item, List<Event> out) {
        close(out, null);
        items.add(item);
        open = item;
        ObjectNode d = F.objectNode();
        d.put("output_index", item.outputIndex);
        d.set("item", render(item, "in_progress", true));
        out.add(event("response.output_item.added", d));
    }

    /** Closes the open item with its done events; {@code stop} is the answer's end, or null mid-stream. */
    private void close(List<Event> out, StopReason stop) {
        String status = stop == null ? "completed" : ResponseRenderer.itemStatus(stop);
        Item item = open;
        if (item == null) {
            return;
        }
        open = null;
        String text = item.text.toString();
        switch (item.kind) {
            case MESSAGE -> {
                ObjectNode d = itemEvent(item);
                d.put("content_index", 0);
                d.put("text", text);
                d.putArray("logprobs");
                out.add(event("response.output_text.done", d));
                ObjectNode p = itemEvent(item);
                p.put("content_index", 0);
                p.set("part", ResponseInputParser.outputText(text));
                out.add(event("response.content_part.done", p));
            }
            case FUNCTION_CALL -> {
                ObjectNode d = itemEvent(item);
                d.put("name", item.name);
                d.put("arguments", text);
                out.add(event("response.function_call_arguments.done", d));
            }
            case REASONING -> {
                ObjectNode d = itemEvent(item);
                d.put("content_index", 0);
                d.put("text", text);
                out.add(event("response.reasoning_text.done", d));
            }
        }
        item.done = render(item, status, false);
        ObjectNode d = F.objectNode();
        d.put("output_index", item.outputIndex);
        d.set("item", item.done);
        out.add(event("response.output_item.done", d));
    }

    private static ObjectNode render(Item item, String status, boolean added) {
        String text = added ? "" : item.text.toString();
        return switch (item.kind) {
            case MESSAGE -> {
                ObjectNode m = ResponseRenderer.message(item.id, text, status);
                if (added) {
                    m.putArray("content");
                }
                yield m;
            }
            case FUNCTION_CALL -> ResponseRenderer.functionCall(item.id, item.callId, item.name, text, status);
            case REASONING -> ResponseRenderer.reasoning(item.id, text, added ? null : item.signature);
        };
    }

    private static ObjectNode itemEvent(Item item) {
        ObjectNode d = F.objectNode();
        d.put("item_id", item.id);
        d.put("output_index", item.outputIndex);
        return d;
    }

    private Event event(String type, ObjectNode data) {
        ObjectNode e = F.objectNode();
        e.put("type", type);
        e.put("sequence_number", sequence++);
        e.setAll(data);
        return new Event(type, e);
    }
}
