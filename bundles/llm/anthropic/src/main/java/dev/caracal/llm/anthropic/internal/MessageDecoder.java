package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.MemberNames;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.SseEvent;
import dev.caracal.llm.support.SseParser;
import dev.caracal.llm.support.StreamingCall;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One attempt's events of a {@link MessageStream}: the upstream's server-sent events, read one by one
 * ({@link EventReader}), as normalized {@link StreamEvent}s. Not thread-safe: a stream's lines come from one thread at
 * a time.
 */
final class MessageDecoder implements StreamingCall.Decoder {
    private final String requestedModel;
    private final Secret secret;
    private final boolean keepExtras;
    private final StreamingCall.Sink sink;
    private final SseParser sse = new SseParser(this::dispatch);
    private final EventExtras extras;
    /** The event being decoded, reused from event to event. */
    private final EventReader event;
    /** Anthropic block index -> normalized block index, for text, tool_use and thinking blocks. */
    private final Map<Integer, Integer> blocks = new HashMap<>();

    private StreamEvent.Start pendingStart;
    private ResponseExtras startExtras = ResponseExtras.NONE;
    private boolean started;
    private int nextBlock;
    private StopReason stopReason;
    private long inputTokens;
    private long cacheRead;
    private long cacheCreation;
    private long outputTokens;
    private boolean usageSent;
    /** Whether {@code message_start} reported usage, sent right after the held-back {@code Start}. */
    private boolean startUsage;

    /** {@code keepExtras}: emit unmodeled members as {@link StreamEvent.Extras} (an Anthropic client). */
    MessageDecoder(StreamingCall.Sink sink, String requestedModel, Secret secret, boolean keepExtras) {
        this.sink = sink;
        this.requestedModel = requestedModel;
        this.secret = secret;
        this.keepExtras = keepExtras;
        this.extras = keepExtras ? new EventExtras() : null;
        this.event = new EventReader(extras);
    }

    @Override
    public void line(String line) {
        sse.line(line);
    }

    @Override
    public void end() {
        sse.finish();
        if (!sink.isDone() && stopReason != null) {
            finish(); // cut after message_delta: nothing is missing but message_stop
        }
    }

    /** A body that is not an event stream: one whole message ({@link MessageStream#replay}). */
    @Override
    public void wholeBody(String text) {
        started = true;
        MessageStream.replay(text, sink, requestedModel, secret, keepExtras);
    }

    private void dispatch(SseEvent event) {
        String payload = event.data();
        if (sink.isDone() || payload.isBlank()) {
            return;
        }
        String type = event.event();
        JsonNode tree = null;
        if (type == null) {
            // an event without a name says its type in its data: read as a tree (Anthropic names every event)
            tree = Json.tryParse(payload);
            if (tree == null || !tree.isObject()) {
                sink.fail(HttpErrors.malformed("stream event", payload, null));
                return;
            }
            type = tree.path("type").asText("");
        }
        int kind = EventReader.kind(type);
        if (kind == EventReader.ERROR) {
            JsonNode error = tree != null ? tree : Json.tryParse(payload);
            sink.fail(
                    error != null && error.isObject()
                            ? Errors.fromStreamEvent(error, secret)
                            : HttpErrors.malformed("stream event", payload, null));
            return;
        }
        if (!read(kind, payload, tree)) {
            sink.fail(HttpErrors.malformed("stream event", payload, null));
            return;
        }
        switch (kind) {
            case EventReader.MESSAGE_START -> messageStart();
            case EventReader.BLOCK_START -> blockStart();
            case EventReader.BLOCK_DELTA -> blockDelta();
            case EventReader.MESSAGE_DELTA -> messageDelta();
            case EventReader.MESSAGE_STOP -> finish();
            default -> {} // ping, content_block_stop, and event types added later
        }
    }

    /**
     * Reads the event into {@link #event}, from its {@code tree} when there is one; false when it is not one JSON
     * object. An event that repeats a member name is read again from its tree (the last value, at the place of
     * the first).
     */
    private boolean read(int kind, String payload, JsonNode tree) {
        try {
            if (tree != null) {
                return readTree(kind, tree);
            }
            try (JsonParser p = Json.MAPPER.createParser(payload)) {
                event.read(kind, p);
            }
            return true;
        } catch (MemberNames.Repeated repeated) {
            JsonNode again = Json.tryParse(payload);
            return again != null && again.isObject() && readTree(kind, again);
        } catch (IOException malformed) {
            return false;
        }
    }

    private boolean readTree(int kind, JsonNode tree) {
        try (JsonParser p = tree.traverse(Json.MAPPER)) {
            event.read(kind, p);
            return true;
        } catch (IOException | MemberNames.Repeated e) {
            return false; // cannot happen: a tree is one object, without repeated names
        }
    }

    private void messageStart() {
        if (keepExtras) {
            startExtras = extras.extras("message_start");
        }
        pendingStart = new StreamEvent.Start(event.id, event.model != null ? event.model : requestedModel);
        startUsage = event.hasUsage;
        readUsage();
    }

    private void ensureStarted() {
        if (!started) {
            started = true;
            sink.emit(pendingStart != null ? pendingStart : new StreamEvent.Start("", requestedModel));
            if (!startExtras.isEmpty()) {
                sink.emit(new StreamEvent.Extras(startExtras));
            }
            if (startUsage) {
                sendUsage(); // the input side (prompt-cache reads and writes too) before any content
            }
        }
    }

    private void blockStart() {
        ensureStarted();
        switch (event.type) {
            case "text" -> {
                int b = open(event.index);
                if (!event.text.isEmpty()) {
                    sink.emit(new StreamEvent.TextDelta(b, event.text));
                }
            }
            // streamed input arrives as input_json_delta; a non-empty input here is the whole of it
            case "tool_use" ->
                sink.emit(new StreamEvent.ToolCallDelta(open(event.index), event.id, event.name, event.arguments));
            // streamed thinking arrives as thinking_delta and signature_delta; non-empty fields here are whole
            case "thinking" -> thinking(sink, open(event.index), event.thinking, signature(event.signature));
            case "redacted_thinking" -> {
                int b = open(event.index);
                if (!event.data.isEmpty()) {
                    sink.emit(new StreamEvent.RedactedThinking(b, event.data));
                }
            }
            default -> {} // server tool blocks
        }
    }

    /** The events of a thinking block given whole: its text, then its signature (each when there is one). */
    static void thinking(StreamingCall.Sink sink, int b, String text, String signature) {
        if (!text.isEmpty()) {
            sink.emit(new StreamEvent.ThinkingDelta(b, text));
        }
        if (signature != null) {
            sink.emit(new StreamEvent.ThinkingSignature(b, signature));
        }
    }

    private int open(int index) {
        Integer b = blocks.get(index);
        if (b == null) {
            b = nextBlock++;
            blocks.put(index, b);
        }
        return b;
    }

    private void blockDelta() {
        Integer b = blocks.get(event.index);
        if (b == null) {
            return; // a delta of a skipped (server tool) block
        }
        switch (event.type) {
            case "text_delta" -> {
                if (!event.text.isEmpty()) {
                    sink.emit(new StreamEvent.TextDelta(b, event.text));
                }
            }
            case "input_json_delta" -> {
                if (!event.arguments.isEmpty()) {
                    sink.emit(new StreamEvent.ToolCallDelta(b, null, null, event.arguments));
                }
            }
            case "thinking_delta" -> {
                if (!event.thinking.isEmpty()) {
                    sink.emit(new StreamEvent.ThinkingDelta(b, event.thinking));
                }
            }
            case "signature_delta" -> {
                String signature = signature(event.signature);
                if (signature != null) {
                    sink.emit(new StreamEvent.ThinkingSignature(b, signature));
                }
            }
            default -> {} // citations_delta and others without a normalized form
        }
    }

    private void messageDelta() {
        ensureStarted();
        if (keepExtras) {
            ResponseExtras members = extras.extras("message_delta");
            if (!members.isEmpty()) {
                sink.emit(new StreamEvent.Extras(members));
            }
        }
        if (event.stopReason != null) {
            stopReason = ResponseMapper.stopReason(event.stopReason);
        }
        if (event.hasUsage) {
            readUsage();
            sendUsage();
        }
    }

    /** Usage fields are cumulative; a later event's fields replace earlier ones. */
    private void readUsage() {
        long[] counts = event.counts;
        boolean[] counted = event.counted;
        inputTokens = counted[EventReader.INPUT] ? counts[EventReader.INPUT] : inputTokens;
        cacheRead = counted[EventReader.CACHE_READ] ? counts[EventReader.CACHE_READ] : cacheRead;
        cacheCreation = counted[EventReader.CACHE_CREATION] ? counts[EventReader.CACHE_CREATION] : cacheCreation;
        outputTokens = counted[EventReader.OUTPUT] ? counts[EventReader.OUTPUT] : outputTokens;
    }

    /** A thinking block's signature, {@code null} when absent or empty (thinking Anthropic could not verify). */
    private static String signature(String signature) {
        return signature == null || signature.isEmpty() ? null : signature;
    }

    private void sendUsage() {
        usageSent = true;
        sink.emit(new StreamEvent.UsageUpdate(
                new Usage(inputTokens + cacheRead + cacheCreation, outputTokens, cacheRead, cacheCreation)));
    }

    private void finish() {
        ensureStarted();
        if (!usageSent) {
            sendUsage();
        }
        sink.finish(stopReason);
    }
}
