package dev.caracal.gateway.anthropic.http.codec;

import static dev.caracal.gateway.anthropic.http.codec.StreamEventNames.onTheWire;
import static dev.caracal.gateway.anthropic.http.codec.Trees.assertTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MessageStreamEncoderTest {

    private final AtomicInteger ids = new AtomicInteger();

    private MessageStreamEncoder encoder(List<String> stops) {
        return new MessageStreamEncoder("msg_1", "claude-x", stops, () -> "toolu_gen" + ids.incrementAndGet());
    }

    private static List<SseEvent> run(MessageStreamEncoder enc, StreamEvent... events) {
        List<SseEvent> out = new ArrayList<>();
        for (StreamEvent e : events) {
            out.addAll(WrittenEvents.on(enc, e));
        }
        return out;
    }

    private static List<String> names(List<SseEvent> events) {
        return events.stream().map(SseEvent::name).toList();
    }

    @Test
    void textOnlyStream() {
        MessageStreamEncoder enc = encoder(List.of());
        List<SseEvent> out = run(
                enc,
                new StreamEvent.Start("up-1", "claude-up"),
                new StreamEvent.UsageUpdate(new Usage(25, 1, 0, 0)),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo"),
                new StreamEvent.UsageUpdate(new Usage(25, 2, 0, 0)),
                new StreamEvent.End(StopReason.END_TURN));
        assertEquals(onTheWire(2), names(out));
        for (SseEvent e : out) {
            assertEquals(e.name(), e.data().get("type").asText(), "the data's type matches the event name");
        }
        assertTree("""
                {'type':'message_start','message':{'id':'msg_1','type':'message','role':'assistant','model':'claude-up',
                 'content':[],'stop_reason':null,'stop_sequence':null,
                 'usage':{'input_tokens':25,'output_tokens':1,'cache_creation_input_tokens':0,'cache_read_input_tokens':0}}}
                """, out.get(0).data());
        assertTree(
                "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}",
                out.get(1).data());
        assertTree("{'type':'ping'}", out.get(2).data());
        assertTree(
                "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'Hel'}}",
                out.get(3).data());
        assertTree(
                "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'lo'}}",
                out.get(4).data());
        assertTree("{'type':'content_block_stop','index':0}", out.get(5).data());
        assertTree("""
                {'type':'message_delta','delta':{'stop_reason':'end_turn','stop_sequence':null},
                 'usage':{'input_tokens':25,'output_tokens':2,'cache_creation_input_tokens':0,'cache_read_input_tokens':0}}
                """, out.get(6).data());
        assertTree("{'type':'message_stop'}", out.get(7).data());
        assertTrue(enc.finished());
        assertTrue(run(enc, new StreamEvent.TextDelta(0, "late")).isEmpty(), "nothing after the end");
    }

    @Test
    void toolOnlyStream() {
        MessageStreamEncoder enc = encoder(List.of());
        List<SseEvent> out = run(
                enc,
                new StreamEvent.Start("up", "claude-up"),
                new StreamEvent.ToolCallDelta(0, "toolu_A", "get_weather", ""),
                new StreamEvent.ToolCallDelta(0, null, null, "{\"city\":"),
                new StreamEvent.ToolCallDelta(0, null, null, "\"Paris\"}"),
                new StreamEvent.ToolCallDelta(1, null, "get_time", "{}"),
                new StreamEvent.UsageUpdate(new Usage(40, 30, 10, 0)),
                new StreamEvent.End(StopReason.TOOL_USE));
        assertEquals(onTheWire(2, 1), names(out));
        assertTree(
                "{'type':'content_block_start','index':0,'content_block':{'type':'tool_use','id':'toolu_A','name':'get_weather','input':{}}}",
                out.get(1).data());
        assertTree(
                "{'type':'content_block_delta','index':0,'delta':{'type':'input_json_delta','partial_json':'{\\\"city\\\":'}}"
                        .replace("\\\"", "\\u0022"),
                out.get(3).data());
        assertEquals(
                "{\"city\":", out.get(3).data().get("delta").get("partial_json").asText());
        assertEquals(
                "\"Paris\"}", out.get(4).data().get("delta").get("partial_json").asText());
        assertTree("{'type':'content_block_stop','index':0}", out.get(5).data());
        assertTree(
                "{'type':'content_block_start','index':1,'content_block':{'type':'tool_use','id':'toolu_gen1','name':'get_time','input':{}}}",
                out.get(6).data());
        assertTree(
                "{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta','partial_json':'{}'}}",
                out.get(7).data());
        assertTree("{'type':'content_block_stop','index':1}", out.get(8).data());
        assertTree("""
                {'type':'message_delta','delta':{'stop_reason':'tool_use','stop_sequence':null},
                 'usage':{'input_tokens':30,'output_tokens':30,'cache_creation_input_tokens':0,'cache_read_input_tokens':10}}
                """, out.get(9).data());
    }

    @Test
    void thinkingThenTextAsAnthropicStreamsIt() {
        List<SseEvent> out = run(
                encoder(List.of()),
                new StreamEvent.Start("up", "claude-up"),
                new StreamEvent.ThinkingDelta(0, "Let me "),
                new StreamEvent.ThinkingDelta(0, "think."),
                new StreamEvent.ThinkingSignature(0, "EqQBCkYIsig=="),
                new StreamEvent.TextDelta(1, "Answer"),
                new StreamEvent.End(StopReason.END_TURN));
        assertEquals(onTheWire(3, 1), names(out));
        for (SseEvent e : out) {
            assertEquals(e.name(), e.data().get("type").asText());
        }
        assertTree(
                "{'type':'content_block_start','index':0,'content_block':{'type':'thinking','thinking':'','signature':''}}",
                out.get(1).data());
        assertTree(
                "{'type':'content_block_delta','index':0,'delta':{'type':'thinking_delta','thinking':'Let me '}}",
                out.get(3).data());
        assertTree(
                "{'type':'content_block_delta','index':0,'delta':{'type':'thinking_delta','thinking':'think.'}}",
                out.get(4).data());
        assertTree(
                "{'type':'content_block_delta','index':0,'delta':{'type':'signature_delta','signature':'EqQBCkYIsig=='}}",
                out.get(5).data());
        assertTree("{'type':'content_block_stop','index':0}", out.get(6).data());
        assertTree(
                "{'type':'content_block_start','index':1,'content_block':{'type':'text','text':''}}",
                out.get(7).data());
        assertTree(
                "{'type':'content_block_delta','index':1,'delta':{'type':'text_delta','text':'Answer'}}",
                out.get(8).data());
        assertTree("{'type':'content_block_stop','index':1}", out.get(9).data());
    }

    @Test
    void redactedThinkingIsAWholeBlock() {
        List<SseEvent> out = run(
                encoder(List.of()),
                new StreamEvent.RedactedThinking(0, "EmwKAhgBEgy3va3p"),
                new StreamEvent.ThinkingDelta(1, "Visible."),
                new StreamEvent.ThinkingSignature(1, "sig-1"),
                new StreamEvent.RedactedThinking(2, "EmwKAhgBEgzzzz"),
                new StreamEvent.ToolCallDelta(3, "toolu_1", "get_weather", "{}"),
                new StreamEvent.End(StopReason.TOOL_USE));
        assertEquals(onTheWire(0, 2, 0, 1), names(out));
        assertTree(
                "{'type':'content_block_start','index':0,'content_block':{'type':'redacted_thinking','data':'EmwKAhgBEgy3va3p'}}",
                out.get(1).data());
        assertTree("{'type':'content_block_stop','index':0}", out.get(3).data());
        assertTree(
                "{'type':'content_block_start','index':1,'content_block':{'type':'thinking','thinking':'','signature':''}}",
                out.get(4).data());
        assertTree(
                "{'type':'content_block_delta','index':1,'delta':{'type':'signature_delta','signature':'sig-1'}}",
                out.get(6).data());
        assertTree(
                "{'type':'content_block_start','index':2,'content_block':{'type':'redacted_thinking','data':'EmwKAhgBEgzzzz'}}",
                out.get(8).data());
        assertTree("{'type':'content_block_stop','index':2}", out.get(9).data());
        assertEquals(3, out.get(10).data().get("index").asInt());
        assertEquals(
                "tool_use", out.get(10).data().get("content_block").get("type").asText());
        assertEquals(1, names(out).stream().filter("ping"::equals).count(), "one ping");
    }

    @Test
    void thinkingBlocksAreRenumberedWithoutGaps() {
        List<SseEvent> out = run(
                encoder(List.of()),
                new StreamEvent.ThinkingDelta(2, "a"),
                new StreamEvent.ThinkingDelta(5, "b"),
                new StreamEvent.ThinkingSignature(5, "s"),
                new StreamEvent.TextDelta(5, "c"),
                new StreamEvent.End(StopReason.END_TURN));
        List<Integer> starts = new ArrayList<>();
        for (SseEvent e : out) {
            if (e.name().equals("content_block_start")) {
                starts.add(e.data().get("index").asInt());
            }
        }
        assertEquals(List.of(0, 1, 2), starts, "a new index and a change of kind at the same index each open a block");
        assertEquals(
                "thinking", out.get(1).data().get("content_block").get("type").asText());
        assertEquals(
                "text",
                out.get(out.size() - 5).data().get("content_block").get("type").asText());
    }

    @Test
    void signatureAloneOpensTheThinkingBlock() {
        List<SseEvent> out = run(
                encoder(List.of()),
                new StreamEvent.ThinkingSignature(0, "sig-of-omitted-thinking"),
                new StreamEvent.End(StopReason.END_TURN));
        assertEquals(onTheWire(1), names(out));
        assertEquals(
                "signature_delta", out.get(3).data().get("delta").get("type").asText());
    }

    @Test
    void thinkingResumedAfterItsBlockClosedIsAnError() {
        List<SseEvent> out = run(
                encoder(List.of()),
                new StreamEvent.ThinkingDelta(0, "a"),
                new StreamEvent.TextDelta(1, "b"),
                new StreamEvent.ThinkingSignature(0, "late"));
        assertEquals("error", out.get(out.size() - 1).name());
    }

    @Test
    void mixedStreamRenumbersBlocksFromZero() {
        MessageStreamEncoder enc = encoder(List.of("###"));
        List<SseEvent> out = run(
                enc,
                new StreamEvent.TextDelta(3, "Let me look."),
                new StreamEvent.ToolCallDelta(7, "toolu_B", "search", "{\"q\":\"x\"}"),
                new StreamEvent.TextDelta(9, "Done"),
                new StreamEvent.End(StopReason.STOP_SEQUENCE));
        assertEquals(onTheWire(1, 1, 1), names(out));
        assertEquals(
                "claude-x",
                out.get(0).data().get("message").get("model").asText(),
                "requested model until Start names one");
        assertEquals(0, out.get(1).data().get("index").asInt());
        assertEquals("text", out.get(1).data().get("content_block").get("type").asText());
        assertEquals(1, out.get(5).data().get("index").asInt());
        assertEquals(
                "tool_use", out.get(5).data().get("content_block").get("type").asText());
        assertEquals(1, out.get(6).data().get("index").asInt());
        assertEquals(2, out.get(8).data().get("index").asInt());
        assertEquals(2, out.get(10).data().get("index").asInt());
        assertTree("""
                {'type':'message_delta','delta':{'stop_reason':'stop_sequence','stop_sequence':'###'},
                 'usage':{'input_tokens':0,'output_tokens':0,'cache_creation_input_tokens':0,'cache_read_input_tokens':0}}
                """, out.get(11).data());
        assertEquals(1, names(out).stream().filter("ping"::equals).count(), "one ping");
    }

    @Test
    void switchingKindAtTheSameIndexOpensANewBlock() {
        List<SseEvent> out = run(
                encoder(List.of()),
                new StreamEvent.TextDelta(0, "a"),
                new StreamEvent.ToolCallDelta(0, "toolu_C", "t", "{}"),
                new StreamEvent.End(StopReason.TOOL_USE));
        assertEquals(onTheWire(1, 1), names(out));
    }

    @Test
    void emptyAnswer() {
        List<SseEvent> out =
                run(encoder(List.of()), new StreamEvent.Start("x", "m"), new StreamEvent.End(StopReason.END_TURN));
        assertEquals(onTheWire(), names(out));
    }

    @Test
    void emptyTextDeltaOpensTheBlockWithoutADelta() {
        List<SseEvent> out = run(encoder(List.of()), new StreamEvent.TextDelta(0, ""), new StreamEvent.End(null));
        assertEquals(onTheWire(0), names(out));
        assertEquals(
                "end_turn", out.get(4).data().get("delta").get("stop_reason").asText());
    }

    @Test
    void errorBeforeAnythingIsLeftToTheCaller() {
        MessageStreamEncoder enc = encoder(List.of());
        List<SseEvent> out = run(
                enc,
                new StreamEvent.Start("x", "m"),
                new StreamEvent.Error(new LlmException(ErrorKind.OVERLOADED, "busy")));
        assertTrue(out.isEmpty());
        assertFalse(enc.started());
        assertTrue(
                run(encoder(List.of()), new StreamEvent.End(StopReason.ERROR)).isEmpty());
    }

    @Test
    void errorAfterStartIsAnErrorEvent() {
        MessageStreamEncoder enc = encoder(List.of());
        List<SseEvent> out = run(
                enc,
                new StreamEvent.TextDelta(0, "partial"),
                new StreamEvent.Error(new LlmException(ErrorKind.OVERLOADED, "upstream overloaded")));
        assertEquals(
                List.of("message_start", "content_block_start", "ping", "content_block_delta", "error"), names(out));
        assertTree(
                "{'type':'error','error':{'type':'overloaded_error','message':'upstream overloaded'}}",
                out.get(4).data());
        assertTrue(enc.finished());
    }

    @Test
    void errorStopAfterStartIsAnErrorEvent() {
        List<SseEvent> out =
                run(encoder(List.of()), new StreamEvent.TextDelta(0, "x"), new StreamEvent.End(StopReason.ERROR));
        assertEquals("error", out.get(out.size() - 1).name());
        assertEquals(
                "api_error",
                out.get(out.size() - 1).data().get("error").get("type").asText());
    }

    @Test
    void interleavedBlocksEndTheStreamWithAnError() {
        List<SseEvent> out = run(
                encoder(List.of()),
                new StreamEvent.ToolCallDelta(0, "a", "t", "{"),
                new StreamEvent.ToolCallDelta(1, "b", "t", "{"),
                new StreamEvent.ToolCallDelta(0, null, null, "}"));
        assertEquals("error", out.get(out.size() - 1).name());
        assertEquals(
                "api_error",
                out.get(out.size() - 1).data().get("error").get("type").asText());
    }

    @Test
    void usageTakesTheLargestReportedTotals() {
        List<SseEvent> out = run(
                encoder(List.of()),
                new StreamEvent.UsageUpdate(new Usage(50, 0, 0, 5)),
                new StreamEvent.TextDelta(0, "x"),
                new StreamEvent.UsageUpdate(new Usage(0, 9, 0, 0)),
                new StreamEvent.End(StopReason.MAX_TOKENS));
        assertTree(
                "{'input_tokens':45,'output_tokens':0,'cache_creation_input_tokens':5,'cache_read_input_tokens':0}",
                out.get(0).data().get("message").get("usage"));
        SseEvent delta = out.get(out.size() - 2);
        assertTree("""
                {'type':'message_delta','delta':{'stop_reason':'max_tokens','stop_sequence':null},
                 'usage':{'input_tokens':45,'output_tokens':9,'cache_creation_input_tokens':5,'cache_read_input_tokens':0}}
                """, delta.data());
    }
}
