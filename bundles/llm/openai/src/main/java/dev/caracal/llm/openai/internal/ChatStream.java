package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.HttpStreamProtocol;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.MemberNames;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.SseEvent;
import dev.caracal.llm.support.SseParser;
import dev.caracal.llm.support.StreamingCall;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The OpenAI wire format of one streamed chat completion, run by the support library's {@link StreamingCall}
 * (attempts, retries before the first event, ordering, cancellation, idle timeout). Each
 * {@code chat.completion.chunk} becomes normalized events: {@code Start} when the first chunk arrives, reasoning
 * ({@code ThinkingDelta} from {@code delta.reasoning_content} or {@code delta.reasoning}), text, tool-call and usage
 * events, then {@code End} at {@code [DONE]}. A server that ignores {@code stream: true} and answers a whole completion
 * is replayed as events.
 *
 * <p>Block indexes: the reasoning, the text and each tool call get one block each, numbered in the order they first
 * appear (reasoning usually comes first, so it is block 0 and the text block 1). No {@code ThinkingSignature} is
 * emitted: OpenAI-compatible servers sign nothing.
 */
final class ChatStream extends HttpStreamProtocol {

    private final String requestedModel;
    private final Secret secret;
    private final boolean keepExtras;

    /** {@code keepExtras}: emit each chunk's unmodeled members as {@link StreamEvent.Extras} (an OpenAI client). */
    ChatStream(Supplier<HttpRequest> request, String requestedModel, Secret secret, boolean keepExtras) {
        super(request, (status, headers, body) -> Errors.fromResponse(status, headers, body, secret));
        this.requestedModel = requestedModel;
        this.secret = secret;
        this.keepExtras = keepExtras;
    }

    @Override
    public StreamingCall.Decoder decoder(StreamingCall.Sink sink) {
        return new Decoder(sink);
    }

    /** One attempt's chunks. */
    private final class Decoder implements StreamingCall.Decoder {
        private final StreamingCall.Sink sink;
        private final SseParser sse = new SseParser(this::dispatch);
        private final ChunkExtras extras = keepExtras ? new ChunkExtras() : null;
        private final ChunkReader chunk = new ChunkReader(extras);
        private final Map<Integer, Integer> toolBlocks = new HashMap<>();
        private boolean started;
        private int nextBlock;
        private int textBlock = -1;
        private int thinkingBlock = -1;
        private StopReason stopReason;

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
                finish(stopReason); // the body ended without [DONE] after a finish_reason
            }
        }

        /**
         * A 2xx answer that is not an event stream: a server that ignored {@code stream: true} and sent a whole
         * {@code chat.completion} (replayed as events), or something malformed.
         */
        @Override
        public void wholeBody(String text) {
            JsonNode root = Json.tryParse(text);
            if (root == null || !root.isObject() || !root.has("choices")) {
                sink.fail(HttpErrors.malformed("stream (neither an event stream nor a chat completion)", text, null));
                return;
            }
            ChatResponse response = ResponseMapper.toResponse(root, requestedModel);
            started = true;
            sink.emit(new StreamEvent.Start(response.id(), response.model()));
            if (keepExtras) {
                // a whole completion's members, carried on the chunk made of its first content
                emitExtras(ResponseMapper.COMPLETION.extras(root, RequestMapper.FORMAT, ResponseExtras.CHUNK));
            }
            int block = 0;
            for (ContentPart part : response.content()) {
                if (part instanceof ContentPart.Thinking thinking) {
                    sink.emit(new StreamEvent.ThinkingDelta(block++, thinking.text()));
                } else if (part instanceof ContentPart.Text t) {
                    sink.emit(new StreamEvent.TextDelta(block++, t.text()));
                } else if (part instanceof ContentPart.ToolUse use) {
                    sink.emit(new StreamEvent.ToolCallDelta(block++, use.id(), use.name(), use.argumentsJson()));
                }
            }
            sink.emit(new StreamEvent.UsageUpdate(response.usage()));
            finish(response.stopReason());
        }

        private void finish(StopReason reason) {
            if (!started) {
                started = true;
                sink.emit(new StreamEvent.Start("", requestedModel));
            }
            sink.finish(reason);
        }

        private void dispatch(SseEvent sseEvent) {
            String payload = sseEvent.data();
            if (sink.isDone() || payload.isBlank()) {
                return;
            }
            if ("[DONE]".equals(payload.trim())) {
                finish(stopReason);
                return;
            }
            if (!read(payload)) {
                sink.fail(HttpErrors.malformed("stream chunk", payload, null));
                return;
            }
            JsonNode error = chunk.error;
            if ((error != null && !error.isNull()) || sseEvent.is("error")) {
                if (error == null) {
                    error = MissingNode.getInstance();
                }
                String message = error.isObject() ? error.path("message").asText("") : error.asText("");
                String type = error.isObject() ? Json.textOrNull(error.get("type")) : null;
                String code = error.isObject() ? Json.textOrNull(error.get("code")) : null;
                sink.fail(new LlmException(
                        Errors.kindOf(500, type, code, message),
                        secret.redact("the upstream sent an error in the stream: " + message),
                        200,
                        null,
                        null));
                return;
            }
            handleChunk();
        }

        /**
         * Reads {@code payload} into {@link #chunk}; false when it is not one JSON object. A chunk that repeats a
         * member name is read again as its tree writes it (the last value, at the place of the first).
         */
        private boolean read(String payload) {
            try {
                chunk.read(payload, !started);
                return true;
            } catch (MemberNames.Repeated repeated) {
                JsonNode tree = Json.tryParse(payload);
                if (tree == null || !tree.isObject()) {
                    return false;
                }
                try {
                    chunk.read(Json.write(tree), !started);
                    return true;
                } catch (IOException | MemberNames.Repeated e) {
                    return false; // cannot happen: a tree has no repeated names
                }
            } catch (IOException malformed) {
                return false;
            }
        }

        private void handleChunk() {
            if (!started) {
                started = true;
                sink.emit(new StreamEvent.Start(
                        chunk.id != null ? chunk.id : "", chunk.model != null ? chunk.model : requestedModel));
            }
            if (extras != null && !extras.isEmpty()) {
                sink.emit(new StreamEvent.Extras(extras.extras()));
            }
            for (int i = 0; i < chunk.choiceCount; i++) {
                ChunkChoice choice = chunk.choices[i];
                if (choice.index() != 0) {
                    continue; // one answer per request (n = 1)
                }
                if (choice.hasDelta) {
                    handleDelta(choice);
                }
                if (choice.finishReason != null) {
                    stopReason = ResponseMapper.stopReason(choice.finishReason);
                }
            }
            if (chunk.hasUsage) {
                sink.emit(new StreamEvent.UsageUpdate(
                        new Usage(chunk.promptTokens, chunk.completionTokens, chunk.cachedTokens, 0)));
            }
        }

        private void emitExtras(ResponseExtras extras) {
            if (!extras.isEmpty()) {
                sink.emit(new StreamEvent.Extras(extras));
            }
        }

        private void handleDelta(ChunkChoice delta) {
            String reasoning = delta.reasoningText(); // before the content of the same delta
            if (reasoning != null) {
                if (thinkingBlock < 0) {
                    thinkingBlock = nextBlock++;
                }
                sink.emit(new StreamEvent.ThinkingDelta(thinkingBlock, reasoning));
            }
            String text = delta.content;
            if (text == null || text.isEmpty()) {
                text = delta.refusal;
            }
            if (text != null && !text.isEmpty()) {
                if (textBlock < 0) {
                    textBlock = nextBlock++;
                }
                sink.emit(new StreamEvent.TextDelta(textBlock, text));
            }
            for (int i = 0; i < delta.callCount; i++) {
                ChunkChoice.ToolCall call = delta.calls[i];
                int toolIndex = call.index(toolBlocks.size());
                Integer block = toolBlocks.get(toolIndex);
                if (block == null) {
                    block = nextBlock++;
                    toolBlocks.put(toolIndex, block);
                }
                if (call.id != null || call.name != null || !call.arguments.isEmpty()) {
                    sink.emit(new StreamEvent.ToolCallDelta(block, call.id, call.name, call.arguments));
                }
            }
        }
    }
}
