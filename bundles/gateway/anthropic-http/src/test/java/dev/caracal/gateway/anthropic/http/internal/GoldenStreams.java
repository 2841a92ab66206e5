package dev.caracal.gateway.anthropic.http.internal;

import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.UpstreamError;
import dev.caracal.llm.Usage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's event streams {@link StreamBytesGoldenTest} sends through the ingress: text with escapes, unicode and
 * lone surrogates, long text, thinking with signatures, redacted thinking and tool calls split across events, usage
 * reported early and late, an Anthropic upstream's {@code message_start} and {@code message_delta} members at every
 * place a pointer can name (members of the events, ones they lack, ones inside replaced ones, ones with line breaks),
 * blocks that cannot be expressed, failures before and after content.
 */
final class GoldenStreams {

    private GoldenStreams() {}

    /** The cases streamed with {@code stop_sequences: ["###"]} (one sequence: the one that matched is named). */
    static final List<String> ONE_STOP_SEQUENCE = List.of("stop reasons: a stop sequence", "text with usage updates");

    static Map<String, List<StreamEvent>> cases() {
        Map<String, List<StreamEvent>> c = new LinkedHashMap<>();
        c.put(
                "text with usage updates",
                List.of(
                        new StreamEvent.Start("up", "claude-up"),
                        usage(30, 1, 10, 5),
                        text(0, "Hel"),
                        text(0, "lo"),
                        usage(0, 7, 0, 0),
                        usage(30, 9, 10, 5),
                        new StreamEvent.End(StopReason.END_TURN),
                        text(0, "after the end")));
        c.put(
                "escapes, unicode and lone surrogates",
                List.of(
                        new StreamEvent.Start("up", "claude-\u00e9"),
                        text(
                                0,
                                "H\u00e9llo, \"w\u00f6rld\" \\ \ud83d\ude00 \u2028\u2029 tab\t nl\n cr\r ff\f bs\b"
                                        + " ctl\u0001\u001f del\u007f slash/ </script> \u00ff\u0800\uffff"),
                        text(0, " lone high \ud83d"),
                        text(0, "\ude00 lone low"),
                        text(0, "ends in cr\r"),
                        text(0, "crlf\r\nin text"),
                        new StreamEvent.End(StopReason.MAX_TOKENS)));
        StringBuilder longText = new StringBuilder();
        for (int i = 0; longText.length() < 9000; i++) {
            longText.append("word").append(i).append(i % 7 == 0 ? " \u00e9\ud83d\ude00\n" : " \"q\" \\ ");
        }
        c.put(
                "long text",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        text(0, longText.toString()),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "thinking, redacted thinking, text and tool calls split across events",
                List.of(
                        new StreamEvent.Start("up", null),
                        new StreamEvent.ThinkingDelta(0, "Paris is "),
                        new StreamEvent.ThinkingDelta(0, ""),
                        new StreamEvent.ThinkingDelta(0, null),
                        new StreamEvent.ThinkingDelta(0, "the capital \u00e9."),
                        new StreamEvent.ThinkingSignature(0, "EqQBCgIYAhIM+/="),
                        new StreamEvent.ThinkingSignature(0, ""),
                        new StreamEvent.ThinkingSignature(1, "signature only"),
                        new StreamEvent.RedactedThinking(2, "opaque"),
                        new StreamEvent.RedactedThinking(3, null),
                        new StreamEvent.TextDelta(4, "Checking."),
                        new StreamEvent.TextDelta(4, ""),
                        new StreamEvent.TextDelta(4, null),
                        new StreamEvent.ToolCallDelta(5, "call_a", "weather", null),
                        new StreamEvent.ToolCallDelta(5, null, null, "{\"city\":"),
                        new StreamEvent.ToolCallDelta(5, null, null, ""),
                        new StreamEvent.ToolCallDelta(5, "call_a", "weather", "\"Par\u00eds\"}"),
                        new StreamEvent.ToolCallDelta(6, "", null, "{}"),
                        new StreamEvent.ToolCallDelta(7, null, "no_id", null),
                        new StreamEvent.TextDelta(8, ""),
                        usage(7, 9, 0, 0),
                        new StreamEvent.End(StopReason.TOOL_USE)));
        c.put(
                "Anthropic's members passed through",
                List.of(
                        new StreamEvent.Start("msg_up", "claude-sonnet-4-5"),
                        extras(
                                "message_start",
                                "/message/usage/cache_creation",
                                "{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0}",
                                "/message/usage/service_tier",
                                "\"standard\""),
                        usage(25, 1, 0, 0),
                        text(0, "Hi"),
                        extras("message_delta", "/usage/server_tool_use", "{\"web_search_requests\":1}"),
                        usage(25, 15, 0, 0),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "members replacing the events' own, inside them and under odd names",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        extras(
                                "message_start",
                                "/x_score",
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
                                "/type",
                                "\"raw-type\"",
                                "/message/stop_sequence",
                                "\"###\"",
                                "/message/model",
                                "\"raw-model\"",
                                "/message/content",
                                "[{\"type\":\"text\",\"text\":\"\"}]",
                                "/message/usage/input_tokens",
                                "-0",
                                "/message/usage/x",
                                "{\"y\":[1,2.50]}",
                                "/message/id",
                                "null"),
                        text(0, "Hi"),
                        extras(
                                "message_delta",
                                "/delta/stop_reason",
                                "\"raw-reason\"",
                                "/delta/stop_sequence",
                                "\"raw-seq\"",
                                "/delta/x",
                                "1",
                                "/usage/output_tokens",
                                "1e3",
                                "/usage/server_tool_use",
                                "{\"web_search_requests\":1}",
                                "/context_management",
                                "{\"applied_edits\":[]}",
                                "/type",
                                "\"message_delta\""),
                        new StreamEvent.End(StopReason.STOP_SEQUENCE)));
        c.put(
                "members at places the events do not have",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        extras(
                                "message_start",
                                "/message/new/deep/x",
                                "\"n\"",
                                "/message/content/0/x",
                                "1",
                                "/message/content/x",
                                "2",
                                "/message/id/x",
                                "3",
                                "nolead",
                                "4",
                                "/~",
                                "5",
                                "/~0",
                                "6",
                                "/message/stop_reason/x",
                                "7",
                                "/x_null_raw",
                                null),
                        text(0, "one"),
                        extras("message_delta", "/delta", "{\"stop_reason\":\"replaced\"}", "/delta/x", "1"),
                        extras("message_delta", "/usage", "\"gone\"", "/usage/y", "2", "/z/y", "3", "/z", "4"),
                        extras("message_delta", "/w", "5", "/w/v", "6"),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "members whose raw text has line breaks",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        extras(
                                "message_start",
                                "/x_pretty",
                                "{\n  \"a\": 1\r\n}",
                                "/x_cr",
                                "\"a\"\r",
                                "/x_lf",
                                "\"b\"\n"),
                        text(0, "x"),
                        extras("message_delta", "/x_crlf", "[\r\n1\r\n]"),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "members of another format, of other scopes, late, empty, and merged",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        new StreamEvent.Extras(
                                new ResponseExtras("openai", ResponseExtras.CHUNK, Map.of("/system_fingerprint", "1"))),
                        new StreamEvent.Extras(new ResponseExtras("openai", "message_start", Map.of("/x_openai", "1"))),
                        new StreamEvent.Extras(new ResponseExtras("anthropic", "message_start", Map.of())),
                        new StreamEvent.Extras(
                                new ResponseExtras("anthropic", ResponseExtras.RESPONSE, Map.of("/x_response", "1"))),
                        new StreamEvent.Extras(
                                new ResponseExtras("anthropic", "content_block_delta", Map.of("/x_block", "1"))),
                        extras("message_start", "/x_first", "1", "/x_both", "\"first\""),
                        extras("message_start", "/x_both", "\"second\"", "/x_second", "2"),
                        extras("message_delta", "/x_early", "1"),
                        text(0, "a"),
                        extras("message_start", "/x_late", "1"),
                        extras("message_delta", "/x_d", "1", "/x_early", "\"again\""),
                        text(0, "b"),
                        extras("message_delta", "/x_d", "2"),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "members with the end only",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        extras("message_start", "/message/usage/service_tier", "\"standard\""),
                        extras("message_delta", "/delta/stop_sequence", "null"),
                        new StreamEvent.End(StopReason.MAX_TOKENS)));
        c.put(
                "stop reasons: a stop sequence",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        text(0, "a"),
                        new StreamEvent.End(StopReason.STOP_SEQUENCE)));
        c.put(
                "stop reasons: a refusal, and none",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        text(0, "a"),
                        new StreamEvent.End(StopReason.CONTENT_FILTER),
                        new StreamEvent.End(null)));
        c.put(
                "stop reasons: none at all",
                List.of(new StreamEvent.Start("up", "claude-x"), text(0, "a"), new StreamEvent.End(null)));
        c.put(
                "a block interleaved after the next one began",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        text(0, "first"),
                        new StreamEvent.ToolCallDelta(1, "call_a", "f", "{"),
                        text(0, "back"),
                        new StreamEvent.ToolCallDelta(1, null, null, "}"),
                        new StreamEvent.End(StopReason.TOOL_USE)));
        c.put(
                "a block changing kind at one index, then coming back",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        text(0, "text"),
                        new StreamEvent.ThinkingDelta(0, "thought"),
                        new StreamEvent.ThinkingSignature(0, "sig"),
                        text(0, "text again")));
        c.put(
                "a failure after content, with an Anthropic upstream's type and request id",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        text(0, "partial"),
                        new StreamEvent.Error(new LlmException(
                                ErrorKind.OVERLOADED,
                                "busy \"now\" \u00e9\n",
                                200,
                                null,
                                null,
                                new UpstreamError("anthropic", "overloaded_error", null, null, "req_up"))),
                        text(0, "after the failure")));
        c.put(
                "a failure after content, exhausted",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        new StreamEvent.ThinkingDelta(0, "t"),
                        new StreamEvent.Error(new GatewayException(
                                ErrorKind.UNAVAILABLE, "every target failed", 0, null, null, true, List.of()))));
        c.put(
                "an error end after content",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        text(0, "partial"),
                        new StreamEvent.End(StopReason.ERROR),
                        new StreamEvent.End(StopReason.END_TURN)));
        c.put(
                "a failure before content",
                List.of(
                        new StreamEvent.Start("up", "claude-x"),
                        usage(5, 0, 0, 0),
                        new StreamEvent.Error(new LlmException(ErrorKind.RATE_LIMITED, "slow down"))));
        c.put(
                "an error end before content",
                List.of(new StreamEvent.Start("up", "claude-x"), new StreamEvent.End(StopReason.ERROR)));
        c.put(
                "the end without content, an empty model",
                List.of(new StreamEvent.Start("up", ""), new StreamEvent.End(StopReason.TOOL_USE)));
        c.put("the end without a start", List.of(new StreamEvent.End(StopReason.END_TURN)));
        return c;
    }

    private static StreamEvent text(int index, String text) {
        return new StreamEvent.TextDelta(index, text);
    }

    private static StreamEvent usage(long in, long out, long cached, long written) {
        return new StreamEvent.UsageUpdate(new Usage(in, out, cached, written));
    }

    /** An Anthropic upstream's members of {@code scope}: pointer, raw text, pointer, raw text... */
    private static StreamEvent extras(String scope, String... pointersAndRaw) {
        Map<String, String> members = new LinkedHashMap<>();
        for (int i = 0; i < pointersAndRaw.length; i += 2) {
            members.put(pointersAndRaw[i], pointersAndRaw[i + 1]);
        }
        return new StreamEvent.Extras(new ResponseExtras("anthropic", scope, members));
    }
}
