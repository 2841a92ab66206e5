package dev.caracal.gateway.anthropic.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An Anthropic upstream's members the normalized answer does not model reach an Anthropic client verbatim and where
 * they were (issue 13, the response direction of same-format pass-through); another format's never do.
 */
class ResponseExtrasWritingTest {

    private static JsonNode wire(Object node) throws Exception {
        return Json.mapper().readTree(Json.mapper().writeValueAsString(node));
    }

    private static ChatResponse answer(ResponseExtras extras) {
        return new ChatResponse(
                "up",
                "claude-x",
                List.of(new ContentPart.Text("Hi")),
                StopReason.STOP_SEQUENCE,
                new Usage(10, 3, 0, 0),
                extras);
    }

    @Test
    void aMessageCarriesTheUpstreamsMembersInPlace() throws Exception {
        ResponseExtras extras = new ResponseExtras(
                "anthropic",
                ResponseExtras.RESPONSE,
                Map.of(
                        "/stop_sequence", "\"END\"",
                        "/container", "{\"id\":\"container_1\"}",
                        "/usage/server_tool_use", "{\"web_search_requests\":1}"));
        JsonNode m = wire(MessagesResponseWriter.message("msg_1", "claude-x", answer(extras), List.of("END", "STOP")));
        assertEquals("END", m.path("stop_sequence").asText(), "the sequence that matched, which Caracal cannot tell");
        assertEquals("container_1", m.path("container").path("id").asText());
        assertEquals(
                1,
                m.path("usage")
                        .path("server_tool_use")
                        .path("web_search_requests")
                        .asInt());
        assertEquals(10, m.path("usage").path("input_tokens").asInt());
        assertEquals("Hi", m.path("content").get(0).path("text").asText());

        JsonNode fromOpenAi = wire(MessagesResponseWriter.message(
                "msg_1",
                "claude-x",
                answer(new ResponseExtras("openai", ResponseExtras.RESPONSE, Map.of("/container", "1"))),
                List.of("END", "STOP")));
        assertTrue(fromOpenAi.path("stop_sequence").isNull());
        assertTrue(fromOpenAi.path("container").isMissingNode());
    }

    @Test
    void aStreamWritesMessageStartAndMessageDeltaMembersOnThoseEvents() throws Exception {
        MessageStreamEncoder enc = new MessageStreamEncoder("msg_1", "claude-x", List.of(), () -> "toolu_1");
        List<SseEvent> out = new ArrayList<>();
        out.addAll(WrittenEvents.on(enc, new StreamEvent.Start("up", "claude-x")));
        out.addAll(WrittenEvents.on(
                enc,
                new StreamEvent.Extras(new ResponseExtras(
                        "anthropic", "message_start", Map.of("/message/usage/service_tier", "\"standard\"")))));
        out.addAll(WrittenEvents.on(enc, new StreamEvent.TextDelta(0, "Hi")));
        out.addAll(WrittenEvents.on(
                enc,
                new StreamEvent.Extras(new ResponseExtras(
                        "anthropic",
                        "message_delta",
                        Map.of("/delta/stop_sequence", "\"END\"", "/context_management", "{\"applied_edits\":[]}")))));
        out.addAll(WrittenEvents.on(
                enc,
                new StreamEvent.Extras(
                        new ResponseExtras("openai", ResponseExtras.CHUNK, Map.of("/system_fingerprint", "\"fp\"")))));
        out.addAll(WrittenEvents.on(enc, new StreamEvent.UsageUpdate(new Usage(10, 3, 0, 0))));
        out.addAll(WrittenEvents.on(enc, new StreamEvent.End(StopReason.STOP_SEQUENCE)));

        JsonNode start = wire(out.get(0).data());
        assertEquals("message_start", out.get(0).name());
        assertEquals(
                "standard",
                start.path("message").path("usage").path("service_tier").asText());
        SseEvent deltaEvent = out.stream()
                .filter(e -> e.name().equals("message_delta"))
                .findFirst()
                .orElseThrow();
        JsonNode delta = wire(deltaEvent.data());
        assertEquals("END", delta.path("delta").path("stop_sequence").asText());
        assertEquals(0, delta.path("context_management").path("applied_edits").size());
        for (SseEvent e : out) {
            assertTrue(wire(e.data()).path("system_fingerprint").isMissingNode(), "another format's: " + e);
        }
    }
}
