package dev.caracal.llm.ollama.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.support.HttpStreamProtocol;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.StreamingCall;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Ollama wire format of one streamed {@code /api/chat} call, run by the support library's {@link StreamingCall}
 * (attempts, retries before the first event, ordered delivery, cancellation, idle timeout). Ollama streams NDJSON:
 * one JSON object per line, the last with {@code done: true}, its stop reason and token counts.
 *
 * <p>Events: {@code Start} (held back until the first content, so that a failure before it stays retryable), then
 * {@code ThinkingDelta}s for the lines' {@code thinking} pieces, {@code TextDelta}s and one {@code ToolCallDelta} per
 * tool call — Ollama sends each call whole, so the delta carries its id, name and complete arguments —, then
 * {@code UsageUpdate} and {@code End} at the {@code done} line. An {@code {"error": ...}} line and a line that is
 * not JSON fail the stream ({@code UPSTREAM}). A server that ignored {@code stream: true} and sent one JSON answer is
 * replayed as the same events.
 *
 * <p>Block indexes: the thinking is one block and the text one block, each numbered when its first piece arrives
 * (a line's thinking before its text, so a reasoning model's answer is thinking 0, text 1); every tool call is a
 * block of its own, numbered as it arrives. All indexes are distinct and ascend in order of first appearance.
 */
final class NdjsonChatStream extends HttpStreamProtocol {

    private final String requestedModel;
    private final OllamaErrors errors;
    private final String id = OllamaChatModel.newResponseId();

    NdjsonChatStream(Supplier<HttpRequest> request, String requestedModel, OllamaErrors errors) {
        super(request, errors::fromResponse);
        this.requestedModel = requestedModel;
        this.errors = errors;
    }

    /** NDJSON ({@code application/x-ndjson}) is read by line; a plain JSON answer whole. */
    @Override
    public boolean isStream(HttpResponse.ResponseInfo info) {
        return !info.headers()
                .firstValue("content-type")
                .map(t -> t.toLowerCase(Locale.ROOT))
                .orElse("")
                .startsWith("application/json");
    }

    @Override
    public StreamingCall.Decoder decoder(StreamingCall.Sink sink) {
        return new Decoder(sink);
    }

    private final class Decoder implements StreamingCall.Decoder {
        private final StreamingCall.Sink sink;
        private boolean started;
        private String model = requestedModel;
        private int nextBlock;
        private int thinkingBlock = -1;
        private int textBlock = -1;
        private int toolCalls;

        Decoder(StreamingCall.Sink sink) {
            this.sink = sink;
        }

        @Override
        public void line(String line) {
            if (line.isBlank()) {
                return;
            }
            JsonNode chunk = Json.tryParse(line);
            if (chunk == null || !chunk.isObject()) {
                sink.fail(errors.malformed("stream line", line));
                return;
            }
            handle(chunk);
        }

        @Override
        public void end() {
            // a stream without its done line was cut: the support library fails the attempt with CONNECTION
        }

        @Override
        public void wholeBody(String body) {
            JsonNode answer = Json.tryParse(body);
            if (answer == null || !answer.isObject()) {
                sink.fail(errors.malformed("stream answer", body));
                return;
            }
            handle(answer);
            if (!sink.isDone()) {
                sink.fail(errors.malformed("stream answer (no done flag)", body));
            }
        }

        private void handle(JsonNode chunk) {
            String error = ResponseMapper.errorText(chunk);
            if (error != null) {
                sink.fail(errors.inStream(error));
                return;
            }
            model = ResponseMapper.modelOf(chunk, model);
            JsonNode message = chunk.path("message");
            String thinking = ResponseMapper.thinkingOf(message);
            if (thinking != null && !thinking.isEmpty()) {
                if (thinkingBlock < 0) {
                    thinkingBlock = nextBlock++;
                }
                emit(new StreamEvent.ThinkingDelta(thinkingBlock, thinking));
            }
            String text = Json.textOrNull(message.get("content"));
            if (text != null && !text.isEmpty()) {
                if (textBlock < 0) {
                    textBlock = nextBlock++;
                }
                emit(new StreamEvent.TextDelta(textBlock, text));
            }
            List<ContentPart.ToolUse> calls = ResponseMapper.toolCalls(message.get("tool_calls"), toolCalls);
            for (ContentPart.ToolUse call : calls) {
                toolCalls++;
                emit(new StreamEvent.ToolCallDelta(nextBlock++, call.id(), call.name(), call.argumentsJson()));
            }
            if (chunk.path("done").asBoolean(false)) {
                emit(new StreamEvent.UsageUpdate(ResponseMapper.usage(chunk)));
                sink.finish(ResponseMapper.stopReason(Json.textOrNull(chunk.get("done_reason")), toolCalls > 0));
            }
        }

        private void emit(StreamEvent event) {
            if (!started) {
                started = true;
                sink.emit(new StreamEvent.Start(id, model));
            }
            sink.emit(event);
        }
    }
}
