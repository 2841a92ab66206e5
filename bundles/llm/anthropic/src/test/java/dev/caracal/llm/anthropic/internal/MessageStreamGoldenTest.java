package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.testkit.DecoderTranscript.q;

import dev.caracal.llm.support.Secret;
import dev.caracal.llm.testkit.DecoderTranscript;
import org.junit.jupiter.api.Test;

/**
 * The stream decoder's events, exactly, for a varied set of upstream streams ({@code golden/message-stream.sse}):
 * text with escapes, unicode and lone surrogates, thinking with signatures, redacted thinking, tool calls whose input
 * is split across events or given whole, server-tool blocks and citations, usage in {@code message_start} and
 * {@code message_delta}, unmodeled members with odd numbers (kept as raw JSON text, spelled as the decoder has always
 * rendered them), values of unexpected types, repeated member names, events without names or of unknown types,
 * {@code error} events, malformed events, cut streams, a whole message answering a stream. Each stream is decoded with
 * and without extras kept. The expected events ({@code golden/message-stream.events}) were recorded from the
 * tree-based decoder, so that a rewrite of the decoder (issue 15: a streaming parser instead of a tree per event) is
 * held to the same events, the same block indexes and the same failures. On a difference the actual text is written
 * to {@code target/golden/message-stream.events} to diff against.
 */
class MessageStreamGoldenTest {

    @Test
    void theDecoderEmitsTheRecordedEventsForEveryStream() {
        new DecoderTranscript(
                        MessageStreamGoldenTest.class,
                        (keepExtras, sink) ->
                                new MessageStream(() -> null, "requested", Secret.NONE, keepExtras).decoder(sink),
                        l -> l.kind() + " status=" + l.upstreamStatus() + " retryable=" + Errors.retryable(l)
                                + " upstream=" + l.upstreamError() + " " + q(l.getMessage()))
                .assertMatches("golden/message-stream.sse", "golden/message-stream.events");
    }
}
