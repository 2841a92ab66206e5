package dev.caracal.gateway.openai.http.internal;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's event streams {@link StreamBytesGoldenTest} sends through the ingress: text with escapes, unicode and
 * lone surrogates, long text, thinking and tool calls, usage, an upstream's members at every place a pointer can name
 * (the chunk's own members, ones it lacks, ones inside replaced ones, ones with line breaks), failures.
 */
final class GoldenStreams {

    private GoldenStreams() {}

    /** The cases also streamed as Responses events. */
    static final List<String> RESPONSES = List.of(
            "text with usage updates",
            "escapes, unicode and lone surrogates",
            "thinking, text and tool calls split across chunks",
            "a failure after content");

    static Map<String, List<StreamEvent>> cases() {
        Map<String, List<StreamEvent>> c = new LinkedHashMap<>();
        c.put(
                "text with usage updates",
                List.of(
                        new StreamEvent.Start("up", "m-up"),
                        text("Hel"),
                        text("lo"),
                        usage(12, 1, 4),
                        usage(0, 5, 0),
                        new StreamEvent.End(StopReason.END_TURN),
                        text("after the end")));
        c.put(
                "escapes, unicode and lone surrogates",
                List.of(
                        new StreamEvent.Start("up", "m-\u00e9"),
                        text("H\u00e9llo, \"w\u00f6rld\" \\ \ud83d\ude00 \u2028\u2029 tab\t nl\n cr\r ff\f bs\b"
                                + " ctl\u0001\u001f del\u007f slash/ </script> \u00ff\u0800\uffff"),
                        text(" lone high \ud83d"),
                        text("\ude00 lone low"),
                        text("ends in cr\r"),
                        text("crlf\r\nin text"),
                        new StreamEvent.End(StopReason.MAX_TOKENS)));
        StringBuilder longText = new StringBuilder();
        for (int i = 0; longText.length() < 9000; i++) {
            longText.append("word").append(i).append(i % 7 == 0 ? " \u00e9\ud83d\ude00\n" : " \"q\" \\ ");
        }
        c.put(
                "long text",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        text(longText.toString()),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "thinking, text and tool calls split across chunks",
                List.of(
                        new StreamEvent.Start("up", null),
                        new StreamEvent.ThinkingDelta(0, "Paris is "),
                        new StreamEvent.ThinkingDelta(0, ""),
                        new StreamEvent.ThinkingDelta(0, null),
                        new StreamEvent.ThinkingDelta(0, "the capital."),
                        new StreamEvent.ThinkingSignature(0, "sig-1"),
                        new StreamEvent.RedactedThinking(1, "opaque"),
                        new StreamEvent.TextDelta(2, "Checking."),
                        new StreamEvent.TextDelta(2, ""),
                        new StreamEvent.TextDelta(2, null),
                        new StreamEvent.ToolCallDelta(3, "call_a", "weather", null),
                        new StreamEvent.ToolCallDelta(3, null, null, "{\"city\":"),
                        new StreamEvent.ToolCallDelta(4, "call_b", "time", "{}"),
                        new StreamEvent.ToolCallDelta(3, "call_a", "weather", "\"Par\u00eds\"}"),
                        new StreamEvent.ToolCallDelta(5, null, null, ""),
                        usage(7, 9, 0),
                        new StreamEvent.End(StopReason.TOOL_USE)));
        c.put(
                "OpenAI's members passed through",
                List.of(
                        new StreamEvent.Start("chatcmpl-up", "gpt-4o"),
                        extras("/service_tier", "\"default\"", "/system_fingerprint", "\"fp_44709d6fcb\""),
                        text(""),
                        extras("/service_tier", "\"default\"", "/system_fingerprint", "\"fp_44709d6fcb\""),
                        text("Hi"),
                        extras("/service_tier", "\"default\"", "/system_fingerprint", "\"fp_44709d6fcb\""),
                        text(" there"),
                        extras(
                                "/service_tier",
                                "\"default\"",
                                "/system_fingerprint",
                                "\"fp_44709d6fcb\"",
                                "/usage/prompt_tokens_details/audio_tokens",
                                "0",
                                "/usage/completion_tokens_details",
                                "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
                                        + "\"rejected_prediction_tokens\":0}"),
                        usage(19, 10, 3),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "members at the choice, the delta and under odd names",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        extras(
                                "/choices/0/logprobs",
                                "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.010}]}",
                                "/choices/0/delta/annotations",
                                "[]",
                                "/choices/0/x_score",
                                "2.50",
                                "/x_big",
                                "1e3",
                                "/x_str",
                                "\"\u00e9\ud83d\ude00\"",
                                "/a~1b",
                                "1",
                                "/c~0d",
                                "2",
                                "/",
                                "3",
                                "/choices/0/delta/x~1y",
                                "4",
                                "/choices/0/finish_reason",
                                "\"raw-finish\"",
                                "/model",
                                "\"raw-model\"",
                                "/created",
                                "2.50"),
                        text("Hi"),
                        extras("/choices/0/delta/tool_calls", "\"raw calls\"", "/object", "null"),
                        new StreamEvent.ToolCallDelta(1, "call_a", "f", "{}"),
                        extras("/choices/0/delta/role", "\"raw-role\"", "/choices/0/index", "-0"),
                        new StreamEvent.End(StopReason.CONTENT_FILTER)));
        c.put(
                "members at places a chunk does not have",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        extras(
                                "/system_fingerprint/x",
                                "1",
                                "/new/deep/x",
                                "\"n\"",
                                "/choices/1/x",
                                "2",
                                "/id/x",
                                "3",
                                "nolead",
                                "4",
                                "/choices/00/x",
                                "5",
                                "/choices/0",
                                "6",
                                "/~",
                                "7",
                                "/~0",
                                "8",
                                "/choices/0/delta/tool_calls/0/x",
                                "9",
                                "/choices/0/delta/tool_calls/0/function/y",
                                "10",
                                "/x_null_raw",
                                null),
                        new StreamEvent.ToolCallDelta(0, "call_a", "f", "{}"),
                        extras("/choices/0/delta", "{\"content\":\"replaced\"}", "/x", "1"),
                        text("one"),
                        extras("/choices", "[]", "/choices/0/x", "1"),
                        text("two"),
                        extras("/choices/0/x", "1", "/choices", "\"gone\""),
                        text("three"),
                        extras("/usage", "{\"total_tokens\":1}"),
                        text("four"),
                        extras("/x", "1", "/x/y", "2", "/z/y", "3", "/z", "4"),
                        text("five"),
                        new StreamEvent.End(StopReason.STOP_SEQUENCE)));
        c.put(
                "usage members replacing and under replaced objects",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        extras(
                                "/usage/completion_tokens_details",
                                "{\"a\":1}",
                                "/usage/completion_tokens_details/b",
                                "2",
                                "/usage/x/y",
                                "3",
                                "/usage/prompt_tokens_details",
                                "null",
                                "/usage/total_tokens",
                                "\"many\"",
                                "/usage/",
                                "5",
                                "/system_fingerprint",
                                "\"fp\""),
                        usage(1, 2, 0),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "members whose raw text has line breaks",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        extras("/x_pretty", "{\n  \"a\": 1\r\n}", "/x_cr", "\"a\"\r", "/x_lf", "\"b\"\n"),
                        text("x"),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "members of another format, empty ones, and ones merged before one event",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        new StreamEvent.Extras(new ResponseExtras(
                                "anthropic", "message_start", Map.of("/system_fingerprint", "\"x\""))),
                        new StreamEvent.Extras(new ResponseExtras("openai", ResponseExtras.CHUNK, Map.of())),
                        text("a"),
                        extras("/system_fingerprint", "\"first\"", "/x", "1"),
                        usage(1, 1, 0),
                        extras("/y", "2", "/system_fingerprint", "\"second\""),
                        text("b"),
                        extras("/usage/u", "1"),
                        extras("/usage/u", "2", "/usage/v", "3"),
                        text("c"),
                        extras("/system_fingerprint", "\"last\""),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "members before the end only",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        extras("/system_fingerprint", "\"fp\"", "/choices/0/logprobs", "null", "/usage/x", "1"),
                        new StreamEvent.End(StopReason.MAX_TOKENS)));
        c.put(
                "a failure after content",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        text("partial"),
                        new StreamEvent.Error(new LlmException(ErrorKind.OVERLOADED, "busy \"now\" \u00e9\n")),
                        text("after the failure")));
        c.put(
                "a failure before content",
                List.of(
                        new StreamEvent.Start("up", "m"),
                        new StreamEvent.Error(new LlmException(ErrorKind.UPSTREAM, "provider left"))));
        c.put(
                "the end without content, an empty model",
                List.of(new StreamEvent.Start("up", ""), new StreamEvent.End(StopReason.TOOL_USE)));
        return c;
    }

    private static StreamEvent text(String text) {
        return new StreamEvent.TextDelta(0, text);
    }

    private static StreamEvent usage(long in, long out, long cached) {
        return new StreamEvent.UsageUpdate(new Usage(in, out, cached, 0));
    }

    /** An OpenAI-format upstream chunk's members: pointer, raw text, pointer, raw text... */
    private static StreamEvent extras(String... pointersAndRaw) {
        Map<String, String> members = new LinkedHashMap<>();
        for (int i = 0; i < pointersAndRaw.length; i += 2) {
            members.put(pointersAndRaw[i], pointersAndRaw[i + 1]);
        }
        return new StreamEvent.Extras(new ResponseExtras("openai", ResponseExtras.CHUNK, members));
    }
}
