package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.json;
import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An OpenAI-format upstream's members the normalized answer does not model reach an OpenAI client verbatim and where
 * they were (issue 13, the response direction of same-format pass-through); another format's never do.
 */
class ResponseExtrasRenderingTest {

    private static Map<String, String> members(String... pointerThenRaw) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pointerThenRaw.length; i += 2) {
            m.put(pointerThenRaw[i], pointerThenRaw[i + 1]);
        }
        return m;
    }

    private static ObjectNode render(ResponseExtras extras) {
        ChatResponse r = new ChatResponse(
                "up-1",
                "gpt-4o",
                List.of(new ContentPart.Text("Hi")),
                StopReason.END_TURN,
                new Usage(5, 1, 0, 0),
                extras);
        return ChatCompletionRenderer.completion("chatcmpl-abc", 1700000000L, "gpt-4o", r);
    }

    @Test
    void aCompletionCarriesTheUpstreamsMembersVerbatimInPlace() throws Exception {
        ObjectNode out = render(new ResponseExtras(
                "openai",
                ResponseExtras.RESPONSE,
                members(
                        "/system_fingerprint", "\"fp_44709d6fcb\"",
                        "/service_tier", "\"default\"",
                        "/choices/0/logprobs", "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.010}]}",
                        "/choices/0/message/annotations", "[{\"type\":\"url_citation\"}]",
                        "/usage/completion_tokens_details", "{\"reasoning_tokens\":7}",
                        "/a_member_added_next_month", "2.50")));
        JsonNode w = wire(out);
        assertEquals("fp_44709d6fcb", w.path("system_fingerprint").asText());
        assertEquals("default", w.path("service_tier").asText());
        assertEquals(
                json("[{'type':'url_citation'}]"),
                w.path("choices").get(0).path("message").path("annotations"));
        assertEquals(json("{'reasoning_tokens':7}"), w.path("usage").path("completion_tokens_details"));
        assertEquals(
                "Hi", w.path("choices").get(0).path("message").path("content").asText(), "modeled ones stay");
        assertEquals(5, w.path("usage").path("prompt_tokens").asInt());
        String text = Json.mapper().writeValueAsString(out);
        assertTrue(text.contains("\"logprob\":-0.010"), "raw text, not re-rendered: " + text);
        assertTrue(text.contains("\"a_member_added_next_month\":2.50"), text);
    }

    @Test
    void anotherFormatsMembersAreLeftOut() {
        ObjectNode plain = render(ResponseExtras.NONE);
        ObjectNode anthropic = render(new ResponseExtras(
                "anthropic", ResponseExtras.RESPONSE, members("/stop_sequence", "\"END\"", "/container", "{}")));
        assertEquals(wire(plain), wire(anthropic));
    }

    @Test
    void aStreamWritesEachChunksMembersOnTheChunkMadeOfItAndUsageDetailsOnTheUsageChunk() {
        ChunkStream stream = new ChunkStream("chatcmpl-abc", 1700000000L, "gpt-4o", true);
        List<JsonNode> chunks = new ArrayList<>();
        chunks.addAll(WrittenChunks.on(stream, new StreamEvent.Start("up", "gpt-4o")));
        chunks.addAll(WrittenChunks.on(
                stream,
                new StreamEvent.Extras(new ResponseExtras(
                        "openai",
                        ResponseExtras.CHUNK,
                        members("/system_fingerprint", "\"fp_1\"", "/choices/0/logprobs", "{\"content\":[]}")))));
        chunks.addAll(WrittenChunks.on(stream, new StreamEvent.TextDelta(0, "Hi")));
        chunks.addAll(WrittenChunks.on(stream, new StreamEvent.TextDelta(0, " there")));
        chunks.addAll(WrittenChunks.on(
                stream,
                new StreamEvent.Extras(new ResponseExtras(
                        "openai",
                        ResponseExtras.CHUNK,
                        members(
                                "/system_fingerprint",
                                "\"fp_1\"",
                                "/usage/completion_tokens_details",
                                "{\"reasoning_tokens\":0}")))));
        chunks.addAll(WrittenChunks.on(stream, new StreamEvent.UsageUpdate(new Usage(5, 2, 0, 0))));
        chunks.addAll(WrittenChunks.on(stream, new StreamEvent.End(StopReason.END_TURN)));

        assertEquals(5, chunks.size(), chunks.toString()); // role, Hi, there, finish, usage
        assertEquals("fp_1", chunks.get(0).path("system_fingerprint").asText(), "the role chunk made of it");
        assertEquals("fp_1", chunks.get(1).path("system_fingerprint").asText(), "and its content");
        assertEquals(
                json("{'content':[]}"), chunks.get(1).path("choices").get(0).path("logprobs"));
        assertTrue(chunks.get(2).path("system_fingerprint").isNull(), "not on chunks made of other upstream chunks");
        assertEquals("fp_1", chunks.get(3).path("system_fingerprint").asText());
        assertTrue(chunks.get(3).path("usage").isNull(), "usage members wait for the usage chunk");
        assertEquals(json("{'reasoning_tokens':0}"), chunks.get(4).path("usage").path("completion_tokens_details"));
        assertEquals(2, chunks.get(4).path("usage").path("completion_tokens").asInt());
    }

    @Test
    void aStreamLeavesAnotherFormatsMembersOut() {
        ChunkStream stream = new ChunkStream("chatcmpl-abc", 1700000000L, "gpt-4o", false);
        WrittenChunks.on(stream, new StreamEvent.Start("up", "gpt-4o"));
        WrittenChunks.on(
                stream,
                new StreamEvent.Extras(
                        new ResponseExtras("anthropic", "message_start", members("/system_fingerprint", "\"x\""))));
        List<JsonNode> out = WrittenChunks.on(stream, new StreamEvent.TextDelta(0, "Hi"));
        assertTrue(out.get(0).path("system_fingerprint").isNull());
    }
}
