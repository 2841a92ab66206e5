package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.StreamingCall;
import dev.caracal.llm.testkit.RecordingSink;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an Anthropic upstream answers beyond the normalized answer (the matched stop sequence, server-tool usage, the
 * cache breakdown, a container) is kept for an Anthropic client, blocking and streamed, and not collected for
 * another client.
 */
class ResponseExtrasDecodingTest {

    private static final String MESSAGE = """
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
             "content":[{"type":"text","text":"Hi"}],"stop_reason":"stop_sequence","stop_sequence":"END",
             "container":{"id":"container_1","expires_at":"2026-12-06T20:00:00Z"},
             "usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,
               "output_tokens":3,"service_tier":"standard",
               "cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},
               "server_tool_use":{"web_search_requests":1}}}
            """;

    @Test
    void aMessagesUnmodeledMembersAreKeptAtTheirPlaceForAnAnthropicClient() {
        ChatResponse response =
                ResponseMapper.toResponse(Json.tryParse(MESSAGE), "requested", Secret.NONE, MESSAGE, true);
        assertEquals("Hi", response.text());
        assertEquals("anthropic", response.extras().format());
        assertEquals(
                Map.of(
                        "/stop_sequence", "\"END\"",
                        "/container", "{\"id\":\"container_1\",\"expires_at\":\"2026-12-06T20:00:00Z\"}",
                        "/usage/service_tier", "\"standard\"",
                        "/usage/cache_creation", "{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0}",
                        "/usage/server_tool_use", "{\"web_search_requests\":1}"),
                response.extras().members());
        assertSame(
                ResponseExtras.NONE,
                ResponseMapper.toResponse(Json.tryParse(MESSAGE), "requested", Secret.NONE, MESSAGE, false)
                        .extras());
    }

    @Test
    void messageStartAndMessageDeltaMembersComeWithTheirEvents() {
        RecordingSink sink = new RecordingSink();
        StreamingCall.Decoder decoder = new MessageStream(() -> null, "requested", Secret.NONE, true).decoder(sink);
        String sse = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1,"service_tier":"standard"}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":3,"server_tool_use":{"web_search_requests":1}},"context_management":{"applied_edits":[]}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        for (String line : sse.split("\n", -1)) {
            decoder.line(line);
        }
        decoder.end();

        List<StreamEvent> events = sink.events;
        assertInstanceOf(StreamEvent.Start.class, events.get(0));
        StreamEvent.Extras start = assertInstanceOf(StreamEvent.Extras.class, events.get(1));
        assertEquals("message_start", start.extras().scope());
        assertEquals(
                Map.of("/message/usage/service_tier", "\"standard\""),
                start.extras().members());
        // message_start's usage follows its members, before the content
        assertEquals(new StreamEvent.UsageUpdate(new Usage(10, 1, 0, 0)), events.get(2));
        assertEquals(new StreamEvent.TextDelta(0, "Hi"), events.get(3));
        StreamEvent.Extras delta = assertInstanceOf(StreamEvent.Extras.class, events.get(4));
        assertEquals("message_delta", delta.extras().scope());
        assertEquals(
                Map.of(
                        "/delta/stop_sequence", "\"END\"",
                        "/usage/server_tool_use", "{\"web_search_requests\":1}",
                        "/context_management", "{\"applied_edits\":[]}"),
                delta.extras().members());
        assertInstanceOf(StreamEvent.UsageUpdate.class, events.get(5));
        assertEquals(6, events.size(), events.toString());
    }

    @Test
    void aWholeMessageAnsweringAStreamCarriesItsMembersOnMessageStart() {
        RecordingSink sink = new RecordingSink();
        new MessageStream(() -> null, "requested", Secret.NONE, true)
                .decoder(sink)
                .wholeBody(MESSAGE);
        StreamEvent.Extras start = assertInstanceOf(StreamEvent.Extras.class, sink.events.get(1));
        assertEquals("message_start", start.extras().scope());
        assertEquals("\"END\"", start.extras().members().get("/message/stop_sequence"));
    }
}
