package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.StreamingCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    void theDecoderEmitsTheRecordedEventsForEveryStream() throws IOException {
        StringBuilder actual = new StringBuilder();
        for (Map.Entry<String, List<String>> c :
                cases(resource("golden/message-stream.sse")).entrySet()) {
            for (boolean keepExtras : new boolean[] {true, false}) {
                actual.append("### ")
                        .append(c.getKey())
                        .append(keepExtras ? " (extras kept)" : " (extras not kept)")
                        .append('\n');
                decode(c.getKey(), c.getValue(), keepExtras, actual);
            }
        }
        String expected = resource("golden/message-stream.events");
        if (!expected.contentEquals(actual)) {
            Path out = Path.of("target", "golden", "message-stream.events");
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual);
        }
        assertEquals(expected, actual.toString(), "see target/golden/message-stream.events");
    }

    private static void decode(String name, List<String> lines, boolean keepExtras, StringBuilder out) {
        Sink sink = new Sink(out);
        StreamingCall.Decoder decoder =
                new MessageStream(() -> null, "requested", Secret.NONE, keepExtras).decoder(sink);
        try {
            if (name.startsWith("whole: ")) {
                decoder.wholeBody(String.join("\n", lines));
            } else {
                lines.forEach(decoder::line);
                decoder.end();
            }
        } catch (RuntimeException e) {
            out.append("threw ").append(describe(e)).append('\n');
        }
    }

    /** Writes what the decoder does, as it does it: a finish without a reason too, and anything after the end. */
    private static final class Sink implements StreamingCall.Sink {
        private final StringBuilder out;
        private boolean done;

        Sink(StringBuilder out) {
            this.out = out;
        }

        @Override
        public void emit(StreamEvent event) {
            out.append(done ? "after the end: " : "").append(describe(event)).append('\n');
        }

        @Override
        public void finish(StopReason reason) {
            out.append("finished ").append(reason).append('\n');
            done = true;
        }

        @Override
        public void fail(LlmException error) {
            out.append("failed ").append(describe(error)).append('\n');
            done = true;
        }

        @Override
        public boolean isDone() {
            return done;
        }
    }

    /** The cases of an input file: each "### " line names one; the lines up to the next are its body. */
    private static Map<String, List<String>> cases(String text) {
        Map<String, List<String>> cases = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("### ")) {
                current = new ArrayList<>();
                cases.put(line.substring(4), current);
            } else if (current != null) {
                current.add(line);
            }
        }
        return cases;
    }

    private static String describe(StreamEvent e) {
        if (e instanceof StreamEvent.Start s) {
            return "Start id=" + q(s.id()) + " model=" + q(s.model());
        } else if (e instanceof StreamEvent.TextDelta t) {
            return "Text " + t.index() + " " + q(t.text());
        } else if (e instanceof StreamEvent.ThinkingDelta t) {
            return "Thinking " + t.index() + " " + q(t.text());
        } else if (e instanceof StreamEvent.ThinkingSignature t) {
            return "Signature " + t.index() + " " + q(t.signature());
        } else if (e instanceof StreamEvent.RedactedThinking t) {
            return "Redacted " + t.index() + " " + q(t.data());
        } else if (e instanceof StreamEvent.ToolCallDelta t) {
            return "ToolCall " + t.index() + " id=" + q(t.id()) + " name=" + q(t.name()) + " arguments="
                    + q(t.argumentsDelta());
        } else if (e instanceof StreamEvent.Extras x) {
            StringBuilder sb = new StringBuilder("Extras ")
                    .append(x.extras().format())
                    .append(' ')
                    .append(x.extras().scope());
            x.extras()
                    .members()
                    .forEach((pointer, raw) ->
                            sb.append("\n  ").append(q(pointer)).append(' ').append(q(raw)));
            return sb.toString();
        }
        return e.toString();
    }

    private static String describe(RuntimeException e) {
        if (e instanceof LlmException l) {
            return l.kind() + " status=" + l.upstreamStatus() + " retryable=" + Errors.retryable(l) + " upstream="
                    + l.upstreamError() + " " + q(l.getMessage());
        }
        return e.getClass().getName() + " " + q(e.getMessage());
    }

    /**
     * A string as a JSON string literal with every character beyond ASCII escaped too, so that the expected file
     * shows each one (a lone surrogate included).
     */
    private static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : JsonStringEncoder.getInstance().quoteAsString(s)) {
            if (c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.append('"').toString();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = MessageStreamGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return "";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
