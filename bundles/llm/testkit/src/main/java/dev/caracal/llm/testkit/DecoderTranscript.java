package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.support.StreamingCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Golden tests of a provider's stream decoder: the upstream streams of a resource file (each case a {@code "### "}
 * line naming it, then its lines; a name starting {@code "whole: "} is a whole answer to a stream) are decoded with and
 * without extras kept, and what the decoder does, event by event, is written as text and compared with a recorded
 * file, so that a rewrite of the decoder is held to the same events, block indexes and failures. Every character
 * beyond ASCII is written escaped, so the recorded file shows each one (a lone surrogate included). On a difference
 * the actual text is written to {@code target/golden/} to diff against.
 */
public final class DecoderTranscript {
    private final Class<?> test;
    private final BiFunction<Boolean, StreamingCall.Sink, StreamingCall.Decoder> decoders;
    private final Function<LlmException, String> errors;

    /**
     * @param test the test class, whose class loader has the resources
     * @param decoders a decoder for an attempt: extras kept or not, and the sink it emits to
     * @param errors how a provider's error reads in the transcript
     */
    public DecoderTranscript(
            Class<?> test,
            BiFunction<Boolean, StreamingCall.Sink, StreamingCall.Decoder> decoders,
            Function<LlmException, String> errors) {
        this.test = test;
        this.decoders = decoders;
        this.errors = errors;
    }

    /** Decodes every case of {@code input} and asserts the transcript is {@code expected}'s text (resources). */
    public void assertMatches(String input, String expected) {
        StringBuilder actual = new StringBuilder();
        for (Map.Entry<String, List<String>> c : cases(resource(input)).entrySet()) {
            for (boolean keepExtras : new boolean[] {true, false}) {
                actual.append("### ")
                        .append(c.getKey())
                        .append(keepExtras ? " (extras kept)" : " (extras not kept)")
                        .append('\n');
                decode(c.getKey(), c.getValue(), keepExtras, actual);
            }
        }
        String recorded = resource(expected);
        Path out = Path.of("target", expected);
        if (!recorded.contentEquals(actual)) {
            try {
                Files.createDirectories(out.getParent());
                Files.writeString(out, actual);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertEquals(recorded, actual.toString(), "see " + out);
    }

    private void decode(String name, List<String> lines, boolean keepExtras, StringBuilder out) {
        StreamingCall.Decoder decoder = decoders.apply(keepExtras, new Sink(out));
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
    private final class Sink implements StreamingCall.Sink {
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

    private String describe(RuntimeException e) {
        if (e instanceof LlmException l) {
            return errors.apply(l);
        }
        return e.getClass().getName() + " " + q(e.getMessage());
    }

    /** A string as a JSON string literal with every character beyond ASCII escaped too. */
    public static String q(String s) {
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

    private String resource(String name) {
        try (InputStream in = test.getClassLoader().getResourceAsStream(name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
