package dev.caracal.gateway.openai.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bytes of the {@code chat.completion} a client receives for a non-streamed answer, exactly, for a varied set of
 * answers: text with escapes, unicode and lone surrogates, thinking, tool calls, every stop reason, usage, an
 * OpenAI-format upstream's members at every place a pointer can name (the completion's own members, ones it lacks,
 * ones inside replaced ones, ones that cannot be placed), another format's members. The expected bytes
 * ({@code golden/completion-bytes.txt}, one line per case, bytes outside printable ASCII as {@code \xNN}) were
 * recorded from the tree-based renderer, so that a rewrite (issue 15: a generator straight to bytes instead of a
 * tree) is held to the same output byte for byte. On a difference the actual text is written to
 * {@code target/golden/completion-bytes.txt} to diff against.
 */
class CompletionBytesGoldenTest {

    /** What the servlet sends for {@code response}. */
    static byte[] render(String id, long created, String requestedModel, ChatResponse response) throws IOException {
        return CompletionWriter.completion(id, created, requestedModel, response);
    }

    @Test
    void completionsAreWrittenAsRecorded() throws IOException {
        StringBuilder actual = new StringBuilder();
        for (Map.Entry<String, ChatResponse> c : cases().entrySet()) {
            actual.append("### ").append(c.getKey()).append('\n');
            try {
                appendBytes(render("chatcmpl-abc", 1700000000L, "requested-model", c.getValue()), actual);
            } catch (IOException | RuntimeException e) {
                actual.append("threw ").append(e.getClass().getName());
            }
            actual.append('\n');
        }
        String expected = resource("golden/completion-bytes.txt");
        if (!expected.contentEquals(actual)) {
            Path out = Path.of("target", "golden", "completion-bytes.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual);
        }
        assertEquals(expected, actual.toString(), "see target/golden/completion-bytes.txt");
    }

    private static Map<String, ChatResponse> cases() {
        Map<String, ChatResponse> c = new LinkedHashMap<>();
        Usage usage = new Usage(19, 10, 3, 0);
        c.put("plain text", answer(List.of(text("Hello! How can I assist you today?")), StopReason.END_TURN, usage));
        c.put(
                "escapes, unicode and lone surrogates",
                new ChatResponse(
                        "up",
                        "m-\u00e9\u2028",
                        List.of(text("H\u00e9llo, \"w\u00f6rld\" \\ \ud83d\ude00 \u2028\u2029 tab\t nl\n cr\r ff\f bs\b"
                                + " ctl\u0001\u001f del\u007f slash/ </script> \u00ff\u0800\uffff")),
                        StopReason.MAX_TOKENS,
                        Usage.ZERO));
        c.put("a lone high surrogate", answer(List.of(text("lone high \ud83d end")), StopReason.END_TURN, usage));
        c.put("a lone low surrogate", answer(List.of(text("\ude00 lone low")), StopReason.END_TURN, usage));
        c.put("no content at all", answer(List.of(), StopReason.END_TURN, Usage.ZERO));
        c.put(
                "text in several parts, thinking in several parts, redacted thinking",
                answer(
                        List.of(
                                new ContentPart.Thinking("Let me think ", "sig"),
                                new ContentPart.RedactedThinking("opaque"),
                                new ContentPart.Thinking("\u2014 6\u00d77.", null),
                                text("4"),
                                text("2")),
                        StopReason.END_TURN,
                        new Usage(10, 20, 8, 0)));
        c.put(
                "thinking that is empty",
                answer(List.of(new ContentPart.Thinking("", null), text("x")), StopReason.END_TURN, usage));
        c.put(
                "tool calls without text",
                answer(
                        List.of(
                                new ContentPart.ToolUse("call_a", "weather", "{\"city\":\"Par\u00eds\"}"),
                                new ContentPart.ToolUse("", "time", null)),
                        StopReason.TOOL_USE,
                        usage));
        c.put(
                "thinking, text and a tool call",
                answer(
                        List.of(
                                new ContentPart.Thinking("plan", null),
                                text("Checking."),
                                new ContentPart.ToolUse("call_b", "f", "{\"n\":2.50}")),
                        StopReason.TOOL_USE,
                        usage));
        c.put("refused", answer(List.of(text("I can't.")), StopReason.CONTENT_FILTER, usage));
        c.put("stopped at a stop sequence", answer(List.of(text("a")), StopReason.STOP_SEQUENCE, usage));
        c.put("an error stop", answer(List.of(text("a")), StopReason.ERROR, usage));
        c.put(
                "no model from the upstream",
                new ChatResponse("up", null, List.of(text("a")), StopReason.END_TURN, usage));
        c.put("an empty model", new ChatResponse("up", "", List.of(text("a")), StopReason.END_TURN, usage));
        c.put(
                "large counts",
                answer(List.of(text("a")), StopReason.END_TURN, new Usage(Long.MAX_VALUE / 2, 1L << 40, -1, 7)));
        c.put(
                "OpenAI's members in place",
                extras(
                        "/system_fingerprint", "\"fp_44709d6fcb\"",
                        "/service_tier", "\"default\"",
                        "/choices/0/logprobs", "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.010}]}",
                        "/choices/0/message/annotations", "[{\"type\":\"url_citation\"}]",
                        "/usage/prompt_tokens_details/audio_tokens", "0",
                        "/usage/completion_tokens_details", "{\"reasoning_tokens\":7}",
                        "/a_member_added_next_month", "2.50"));
        c.put(
                "members the completion lacks, at every object",
                extras(
                        "/x_root", "1e3",
                        "/choices/0/x_choice", "-0.0",
                        "/choices/0/message/x_message", "{\"k\":[1,2.50]}",
                        "/usage/x_usage", "true",
                        "/usage/prompt_tokens_details/x_p", "\"\u00e9\ud83d\ude00\"",
                        "/usage/completion_tokens_details/x_c", "null",
                        "/a~1b", "1",
                        "/c~0d", "2",
                        "/", "3"));
        c.put(
                "members replacing modeled ones",
                extras(
                        "/id", "\"upstream-id\"",
                        "/model", "\"upstream-model\"",
                        "/created", "1.50",
                        "/choices/0/message/content", "[\"parts\"]",
                        "/choices/0/message/refusal", "\"no\"",
                        "/choices/0/finish_reason", "\"eos\"",
                        "/usage/prompt_tokens", "\"5\"",
                        "/usage/completion_tokens_details/reasoning_tokens", "4"));
        c.put(
                "a member inside one a member replaces, and the reverse",
                extras(
                        "/usage/completion_tokens_details", "{\"a\":1}",
                        "/usage/completion_tokens_details/b", "2",
                        "/choices/0/message/x/y", "3",
                        "/choices/0/message/x", "4"));
        c.put(
                "members inside null or missing members",
                extras(
                        "/system_fingerprint/x", "1",
                        "/choices/0/logprobs/content", "[]",
                        "/new/deep/member", "\"d\"",
                        "/new/other", "5"));
        c.put(
                "members that cannot be placed",
                extras(
                        "/choices/1/x", "1",
                        "/choices/0", "{}",
                        "/choices/-/x", "2",
                        "/choices/00/x", "3",
                        "/id/x", "4",
                        "no-slash", "5",
                        "", "6",
                        "/choices/0/message/annotations/0", "7"));
        c.put(
                "members replacing whole objects",
                extras(
                        "/choices", "[{\"index\":0,\"x\":1}]",
                        "/usage", "{\"total_tokens\":1}",
                        "/x_after", "[]"));
        c.put(
                "members with line breaks and unicode in their raw text",
                extras(
                        "/x_pretty", "{\n  \"a\": 1,\n  \"b\": [\r\n 2 ]\n}",
                        "/x_unicode", "\"caf\u00e9 \u2028\ud83d\ude00\""));
        c.put("a member with a lone surrogate in its raw text", extras("/choices/0/message/x_lone", "\"\ud83d\""));
        ContentPart.ToolUse call = new ContentPart.ToolUse("call_a", "f", "{}");
        c.put(
                "members of tool calls",
                new ChatResponse(
                        "up",
                        "m",
                        List.of(call, new ContentPart.ToolUse("call_b", "g", "{\"x\":1}")),
                        StopReason.TOOL_USE,
                        Usage.ZERO,
                        new ResponseExtras(
                                "openai",
                                ResponseExtras.RESPONSE,
                                members(
                                        "/choices/0/message/tool_calls/0/x", "1",
                                        "/choices/0/message/tool_calls/1/function/y", "2",
                                        "/choices/0/message/tool_calls/2/z", "3"))));
        c.put(
                "members of tool calls when there are none",
                extras("/choices/0/message/tool_calls/0/x", "1", "/choices/0/message/tool_calls", "[]"));
        c.put(
                "another format's members",
                new ChatResponse(
                        "up",
                        "m",
                        List.of(text("a")),
                        StopReason.END_TURN,
                        usage,
                        new ResponseExtras(
                                "anthropic",
                                ResponseExtras.RESPONSE,
                                members("/stop_sequence", "\"END\"", "/system_fingerprint", "\"x\""))));
        return c;
    }

    private static ContentPart.Text text(String text) {
        return new ContentPart.Text(text);
    }

    private static ChatResponse answer(List<ContentPart> content, StopReason stop, Usage usage) {
        return new ChatResponse("up-1", "gpt-4o-2024-08-06", content, stop, usage);
    }

    private static ChatResponse extras(String... pointerThenRaw) {
        return new ChatResponse(
                "up-1",
                "gpt-4o",
                List.of(text("Hi")),
                StopReason.END_TURN,
                new Usage(5, 1, 0, 0),
                new ResponseExtras("openai", ResponseExtras.RESPONSE, members(pointerThenRaw)));
    }

    private static Map<String, String> members(String... pointerThenRaw) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pointerThenRaw.length; i += 2) {
            m.put(pointerThenRaw[i], pointerThenRaw[i + 1]);
        }
        return m;
    }

    /** The bytes, printable ASCII as is (a backslash doubled), any other byte as {@code \xNN}. */
    private static void appendBytes(byte[] bytes, StringBuilder out) {
        for (byte b : bytes) {
            int v = b & 0xff;
            if (v == '\\') {
                out.append("\\\\");
            } else if (v >= 0x20 && v < 0x7f) {
                out.append((char) v);
            } else {
                out.append(String.format("\\x%02x", v));
            }
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CompletionBytesGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return "";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
