package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.HttpStreamProtocol;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.SseEvent;
import dev.caracal.llm.support.SseParser;
import dev.caracal.llm.support.StreamingCall;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Anthropic wire format of one streamed message, run by the support library's {@link StreamingCall} (attempts,
 * retries before the first event, ordering, cancellation, idle timeout).
 *
 * <p>Events: {@code message_start} gives the id, model and input usage, but its {@code Start} is held back until the
 * first content ({@code content_block_start}, or {@code message_delta}/{@code message_stop} for an empty answer), so
 * that a failure before any content (an {@code overloaded_error} event, a cut connection) can still be retried; its
 * usage (input, prompt-cache reads and writes) follows the {@code Start} as a first {@code UsageUpdate}, so that an
 * ingress can report it before the answer, as Anthropic's own {@code message_start} does.
 * {@code content_block_start} of a {@code text} or {@code thinking} block opens it, of a {@code tool_use} block
 * emits the first {@code ToolCallDelta} with its id and name, of a {@code redacted_thinking} block emits the whole
 * block as one {@code RedactedThinking}; {@code text_delta}, {@code input_json_delta}, {@code thinking_delta} and
 * {@code signature_delta} follow as {@code TextDelta}, {@code ToolCallDelta} (arguments fragments),
 * {@code ThinkingDelta} and {@code ThinkingSignature}. Block indexes count text, tool and thinking blocks in their
 * order (server-tool blocks are skipped, as in a complete answer). {@code message_delta} carries the stop reason
 * and the output usage ({@code UsageUpdate} with the totals); {@code message_stop} ends the stream; {@code ping} and
 * unknown events are ignored; an {@code error} event fails it.
 */
final class MessageStream extends HttpStreamProtocol {

    private final String requestedModel;
    private final Secret secret;
    private final boolean keepExtras;

    /**
     * {@code keepExtras}: emit the members of {@code message_start} and {@code message_delta} that the events do not
     * model as {@link StreamEvent.Extras} (an Anthropic client).
     */
    MessageStream(Supplier<HttpRequest> request, String requestedModel, Secret secret, boolean keepExtras) {
        super(request, (status, headers, body) -> Errors.fromResponse(status, headers, body, secret));
        this.requestedModel = requestedModel;
        this.secret = secret;
        this.keepExtras = keepExtras;
    }

    @Override
    public StreamingCall.Decoder decoder(StreamingCall.Sink sink) {
        return new Decoder(sink);
    }

    /** One attempt's events. */
    final class Decoder implements StreamingCall.Decoder {
        private final StreamingCall.Sink sink;
        private final SseParser sse = new SseParser(this::dispatch);
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

        Decoder(StreamingCall.Sink sink) {
            this.sink = sink;
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

        @Override
        public void wholeBody(String text) {
            ChatResponse response = ResponseMapper.toResponse(Json.tryParse(text), requestedModel, secret, text);
            started = true;
            sink.emit(new StreamEvent.Start(response.id(), response.model()));
            if (keepExtras) {
                ResponseExtras extras =
                        ResponseMapper.MESSAGE.extras(Json.tryParse(text), RequestMapper.FORMAT, "message");
                if (!extras.isEmpty()) {
                    // a whole message's members, carried on the message_start made of it
                    sink.emit(new StreamEvent.Extras(
                            new ResponseExtras(RequestMapper.FORMAT, "message_start", prefixed("/message", extras))));
                }
            }
            int block = 0;
            for (ContentPart part : response.content()) {
                if (part instanceof ContentPart.Text t) {
                    sink.emit(new StreamEvent.TextDelta(block++, t.text()));
                } else if (part instanceof ContentPart.ToolUse use) {
                    sink.emit(new StreamEvent.ToolCallDelta(block++, use.id(), use.name(), use.argumentsJson()));
                } else if (part instanceof ContentPart.Thinking thinking) {
                    thinking(block++, thinking.text(), thinking.signature());
                } else if (part instanceof ContentPart.RedactedThinking redacted) {
                    sink.emit(new StreamEvent.RedactedThinking(block++, redacted.data()));
                }
            }
            sink.emit(new StreamEvent.UsageUpdate(response.usage()));
            sink.finish(response.stopReason());
        }

        private void dispatch(SseEvent event) {
            if (sink.isDone() || event.data().isBlank()) {
                return;
            }
            JsonNode data = Json.tryParse(event.data());
            if (data == null || !data.isObject()) {
                sink.fail(HttpErrors.malformed("stream event", event.data(), null));
                return;
            }
            String type =
                    event.event() != null ? event.event() : data.path("type").asText("");
            switch (type) {
                case "message_start" -> messageStart(data);
                case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"));
                case "content_block_delta" -> blockDelta(data.path("index").asInt(), data.path("delta"));
                case "message_delta" -> messageDelta(data);
                case "message_stop" -> finish();
                case "error" -> sink.fail(Errors.fromStreamEvent(data, secret));
                default -> {} // ping, content_block_stop, and event types added later
            }
        }

        private void messageStart(JsonNode data) {
            if (keepExtras) {
                startExtras = ResponseMapper.MESSAGE_START.extras(data, RequestMapper.FORMAT, "message_start");
            }
            JsonNode message = data.path("message");
            String id = message.path("id").asText("");
            String model = message.hasNonNull("model") ? message.get("model").asText() : requestedModel;
            pendingStart = new StreamEvent.Start(id, model);
            startUsage = message.path("usage").isObject();
            readUsage(message.get("usage"));
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

        private void blockStart(int index, JsonNode block) {
            ensureStarted();
            switch (block.path("type").asText("")) {
                case "text" -> {
                    int b = open(index);
                    String text = block.path("text").asText("");
                    if (!text.isEmpty()) {
                        sink.emit(new StreamEvent.TextDelta(b, text));
                    }
                }
                case "tool_use" -> {
                    int b = open(index);
                    JsonNode input = block.get("input");
                    // streamed input arrives as input_json_delta; a non-empty input here is the whole of it
                    String args = input != null && input.isObject() && !input.isEmpty() ? Json.write(input) : "";
                    sink.emit(new StreamEvent.ToolCallDelta(
                            b, block.path("id").asText(""), block.path("name").asText(""), args));
                }
                // streamed thinking arrives as thinking_delta and signature_delta; non-empty fields here are whole
                case "thinking" ->
                    thinking(
                            open(index),
                            block.path("thinking").asText(""),
                            ResponseMapper.signature(block.get("signature")));
                case "redacted_thinking" -> {
                    int b = open(index);
                    String data = block.path("data").asText("");
                    if (!data.isEmpty()) {
                        sink.emit(new StreamEvent.RedactedThinking(b, data));
                    }
                }
                default -> {} // server tool blocks
            }
        }

        /** The events of a thinking block given whole: its text, then its signature (each when there is one). */
        private void thinking(int b, String text, String signature) {
            if (!text.isEmpty()) {
                sink.emit(new StreamEvent.ThinkingDelta(b, text));
            }
            if (signature != null) {
                sink.emit(new StreamEvent.ThinkingSignature(b, signature));
            }
        }

        private int open(int index) {
            return blocks.computeIfAbsent(index, i -> nextBlock++);
        }

        private void blockDelta(int index, JsonNode delta) {
            Integer b = blocks.get(index);
            if (b == null) {
                return; // a delta of a skipped (server tool) block
            }
            switch (delta.path("type").asText("")) {
                case "text_delta" -> {
                    String text = delta.path("text").asText("");
                    if (!text.isEmpty()) {
                        sink.emit(new StreamEvent.TextDelta(b, text));
                    }
                }
                case "input_json_delta" -> {
                    String json = delta.path("partial_json").asText("");
                    if (!json.isEmpty()) {
                        sink.emit(new StreamEvent.ToolCallDelta(b, null, null, json));
                    }
                }
                case "thinking_delta" -> {
                    String text = delta.path("thinking").asText("");
                    if (!text.isEmpty()) {
                        sink.emit(new StreamEvent.ThinkingDelta(b, text));
                    }
                }
                case "signature_delta" -> {
                    String signature = ResponseMapper.signature(delta.get("signature"));
                    if (signature != null) {
                        sink.emit(new StreamEvent.ThinkingSignature(b, signature));
                    }
                }
                default -> {} // citations_delta and others without a normalized form
            }
        }

        private void messageDelta(JsonNode data) {
            ensureStarted();
            if (keepExtras) {
                ResponseExtras extras =
                        ResponseMapper.MESSAGE_DELTA.extras(data, RequestMapper.FORMAT, "message_delta");
                if (!extras.isEmpty()) {
                    sink.emit(new StreamEvent.Extras(extras));
                }
            }
            String reason = Json.textOrNull(data.path("delta").get("stop_reason"));
            if (reason != null) {
                stopReason = ResponseMapper.stopReason(reason);
            }
            if (data.get("usage") != null && data.get("usage").isObject()) {
                readUsage(data.get("usage"));
                sendUsage();
            }
        }

        /** Usage fields are cumulative; a later event's fields replace earlier ones. */
        private void readUsage(JsonNode usage) {
            if (usage == null || !usage.isObject()) {
                return;
            }
            inputTokens = number(usage, "input_tokens", inputTokens);
            cacheRead = number(usage, "cache_read_input_tokens", cacheRead);
            cacheCreation = number(usage, "cache_creation_input_tokens", cacheCreation);
            outputTokens = number(usage, "output_tokens", outputTokens);
        }

        private static long number(JsonNode node, String field, long otherwise) {
            JsonNode v = node.get(field);
            return v != null && v.isNumber() ? v.asLong() : otherwise;
        }

        private void sendUsage() {
            usageSent = true;
            sink.emit(new StreamEvent.UsageUpdate(
                    new Usage(inputTokens + cacheRead + cacheCreation, outputTokens, cacheRead, cacheCreation)));
        }

        private static Map<String, String> prefixed(String prefix, ResponseExtras extras) {
            Map<String, String> out = new LinkedHashMap<>();
            extras.members().forEach((pointer, value) -> out.put(prefix + pointer, value));
            return out;
        }

        private void finish() {
            ensureStarted();
            if (!usageSent) {
                sendUsage();
            }
            sink.finish(stopReason);
        }
    }
}
