package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.testkit.DecoderTranscript.q;

import dev.caracal.llm.support.Secret;
import dev.caracal.llm.testkit.DecoderTranscript;
import org.junit.jupiter.api.Test;

/**
 * The stream decoder's events, exactly, for a varied set of upstream streams ({@code golden/chat-stream.sse}): text
 * with escapes and unicode, reasoning, tool calls split across chunks and in odd shapes, usage, unmodeled members with
 * odd numbers (kept as raw JSON text, their spelling as the decoder has always rendered it), duplicate members, errors
 * and malformed chunks, a whole completion answering a stream. Each stream is decoded with and without extras kept.
 * The expected events ({@code golden/chat-stream.events}) were recorded from the tree-based decoder, so that a rewrite
 * of the decoder (issue 15: a streaming parser instead of a tree per chunk) is held to the same events, the same
 * block indexes and the same failures. On a difference the actual text is written to
 * {@code target/golden/chat-stream.events} to diff against.
 */
class ChatStreamGoldenTest {

    @Test
    void theDecoderEmitsTheRecordedEventsForEveryStream() {
        new DecoderTranscript(
                        ChatStreamGoldenTest.class,
                        (keepExtras, sink) ->
                                new ChatStream(() -> null, "requested", Secret.NONE, keepExtras).decoder(sink),
                        l -> l.kind() + " status=" + l.upstreamStatus() + " retryable=" + l.retryable() + " "
                                + q(l.getMessage()))
                .assertMatches("golden/chat-stream.sse", "golden/chat-stream.events");
    }
}
