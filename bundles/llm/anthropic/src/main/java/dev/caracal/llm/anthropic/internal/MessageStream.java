package dev.caracal.llm.anthropic.internal;

import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.support.HttpStreamProtocol;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.StreamingCall;
import java.net.http.HttpRequest;
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
 *
 * <p>Each event is read token by token ({@link EventReader}), not as a tree (a tree per event was most of what a
 * streamed answer allocated: issue 15); only an unmodeled member's value, an {@code error} event and an event without
 * an {@code event:} name (whose type is in its data) are read as trees.
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
        return new MessageDecoder(sink, requestedModel, secret, keepExtras);
    }

    /**
     * Replays a 2xx answer that is not an event stream (a server that ignored {@code stream: true}) as events: the
     * whole message's content, its usage and its end; its unmodeled members, for an Anthropic client, as those of the
     * {@code message_start} made of it.
     */
    static void replay(String text, StreamingCall.Sink sink, String requestedModel, Secret secret, boolean keepExtras) {
        ChatResponse response = ResponseMapper.toResponse(Json.tryParse(text), requestedModel, secret, text);
        sink.emit(new StreamEvent.Start(response.id(), response.model()));
        if (keepExtras) {
            ResponseExtras extras = ResponseMapper.MESSAGE.extras(Json.tryParse(text), RequestMapper.FORMAT, "message");
            if (!extras.isEmpty()) {
                Map<String, String> members = new LinkedHashMap<>();
                extras.members().forEach((pointer, value) -> members.put("/message" + pointer, value));
                sink.emit(new StreamEvent.Extras(new ResponseExtras(RequestMapper.FORMAT, "message_start", members)));
            }
        }
        int block = 0;
        for (ContentPart part : response.content()) {
            if (part instanceof ContentPart.Text t) {
                sink.emit(new StreamEvent.TextDelta(block++, t.text()));
            } else if (part instanceof ContentPart.ToolUse use) {
                sink.emit(new StreamEvent.ToolCallDelta(block++, use.id(), use.name(), use.argumentsJson()));
            } else if (part instanceof ContentPart.Thinking thinking) {
                MessageDecoder.thinking(sink, block++, thinking.text(), thinking.signature());
            } else if (part instanceof ContentPart.RedactedThinking redacted) {
                sink.emit(new StreamEvent.RedactedThinking(block++, redacted.data()));
            }
        }
        sink.emit(new StreamEvent.UsageUpdate(response.usage()));
        sink.finish(response.stopReason());
    }
}
