package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.testkit.DecoderTranscript.q;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.LlmException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The answer the non-streamed call path makes of an upstream's {@code chat.completion}, exactly, for a varied set of
 * bodies ({@code golden/chat-completion.json}): text with escapes, unicode and lone surrogates, refusals, reasoning,
 * tool calls in odd shapes, several choices, logprobs, usage with details and in odd shapes, unmodeled members with
 * odd numbers at every level (kept as raw JSON text, their spelling as the tree-based parser rendered it), duplicate
 * members, error members and malformed bodies. Each body is parsed with and without extras kept. The expected answers
 * ({@code golden/chat-completion.answers}) were recorded from the tree-based parser, so that a rewrite (issue 15: a
 * streaming parser instead of a tree per answer) is held to the same answers and the same failures. On a difference
 * the actual text is written to {@code target/golden/chat-completion.answers} to diff against.
 */
class ChatCompletionGoldenTest {

    @Test
    void theParserMakesTheRecordedAnswerOfEveryBody() throws IOException {
        StringBuilder actual = new StringBuilder();
        for (Map.Entry<String, String> c :
                cases(resource("golden/chat-completion.json")).entrySet()) {
            for (boolean keepExtras : new boolean[] {true, false}) {
                actual.append("### ")
                        .append(c.getKey())
                        .append(keepExtras ? " (extras kept)" : " (extras not kept)")
                        .append('\n');
                try {
                    describe(OpenAiChatModel.toResponse(c.getValue(), "requested", keepExtras), actual);
                } catch (LlmException e) {
                    actual.append("threw ")
                            .append(e.kind())
                            .append(" status=")
                            .append(e.upstreamStatus())
                            .append(" retryable=")
                            .append(e.retryable())
                            .append(' ')
                            .append(q(e.getMessage()))
                            .append('\n');
                }
            }
        }
        String expected = resource("golden/chat-completion.answers");
        if (!expected.contentEquals(actual)) {
            Path out = Path.of("target", "golden", "chat-completion.answers");
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual);
        }
        assertEquals(expected, actual.toString(), "see target/golden/chat-completion.answers");
    }

    private static void describe(ChatResponse r, StringBuilder out) {
        out.append("id=").append(q(r.id())).append(" model=").append(q(r.model()));
        out.append(" stop=")
                .append(r.stopReason())
                .append(' ')
                .append(r.usage())
                .append('\n');
        for (ContentPart part : r.content()) {
            if (part instanceof ContentPart.Thinking t) {
                out.append("Thinking ")
                        .append(q(t.text()))
                        .append(" signature=")
                        .append(q(t.signature()));
            } else if (part instanceof ContentPart.Text t) {
                out.append("Text ").append(q(t.text()));
            } else if (part instanceof ContentPart.ToolUse u) {
                out.append("ToolUse id=")
                        .append(q(u.id()))
                        .append(" name=")
                        .append(q(u.name()))
                        .append(" arguments=")
                        .append(q(u.argumentsJson()));
            } else {
                out.append(part);
            }
            out.append('\n');
        }
        out.append("Extras ")
                .append(r.extras().format())
                .append(' ')
                .append(r.extras().scope())
                .append('\n');
        r.extras()
                .members()
                .forEach((pointer, raw) -> out.append("  ")
                        .append(q(pointer))
                        .append(' ')
                        .append(q(raw))
                        .append('\n'));
    }

    /** The cases of an input file: each "### " line names one; the lines up to the next are its body. */
    private static Map<String, String> cases(String text) {
        Map<String, String> cases = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("### ")) {
                if (name != null) {
                    cases.put(name, body.toString());
                }
                name = line.substring(4);
                body = new StringBuilder();
            } else if (name != null) {
                body.append(body.isEmpty() ? "" : "\n").append(line);
            }
        }
        if (name != null) {
            cases.put(name, body.toString());
        }
        return cases;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ChatCompletionGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return "";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
