package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.Message;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.StreamingCall;
import dev.caracal.llm.testkit.RecordingSink;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an OpenAI-format upstream answers beyond the normalized answer is kept for an OpenAI client (issue 13: the
 * response direction of same-format pass-through), blocking and streamed, and not collected for another client.
 */
class ResponseExtrasDecodingTest {

    private static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
             "system_fingerprint":"fp_44709d6fcb","service_tier":"default",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null,
                 "annotations":[{"type":"url_citation","url_citation":{"url":"https://example.org"}}]},
               "logprobs":{"content":[{"token":"Hi","logprob":-0.01}]},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6,
               "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
               "completion_tokens_details":{"reasoning_tokens":0,"accepted_prediction_tokens":0}},
             "a_member_added_next_month":{"x":[1,2]}}
            """;

    @Test
    void aCompletionsUnmodeledMembersAreKeptAtTheirPlaceForAnOpenAiClient() {
        ChatResponse response = ResponseMapper.toResponse(Json.tryParse(COMPLETION), "requested", true);
        assertEquals("Hi", response.text());
        assertEquals("openai", response.extras().format());
        assertEquals(ResponseExtras.RESPONSE, response.extras().scope());
        assertEquals(
                Map.of(
                        "/system_fingerprint", "\"fp_44709d6fcb\"",
                        "/service_tier", "\"default\"",
                        "/choices/0/message/annotations",
                                "[{\"type\":\"url_citation\",\"url_citation\":{\"url\":\"https://example.org\"}}]",
                        "/choices/0/logprobs", "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.01}]}",
                        "/usage/prompt_tokens_details/audio_tokens", "0",
                        "/usage/completion_tokens_details", "{\"reasoning_tokens\":0,\"accepted_prediction_tokens\":0}",
                        "/a_member_added_next_month", "{\"x\":[1,2]}"),
                response.extras().members());
    }

    @Test
    void nothingIsCollectedForAClientOfAnotherFormat() {
        assertSame(
                ResponseExtras.NONE,
                ResponseMapper.toResponse(Json.tryParse(COMPLETION), "requested", false)
                        .extras());
        ChatRequest anthropicClient = new ChatRequest(
                        "m", null, List.of(Message.user("hi")), null, null, null, null, false, null, null)
                .withExtras(new RequestExtras("anthropic", Map.of(), Map.of()));
        assertFalse(OpenAiChatModel.keepsExtras(anthropicClient));
        assertFalse(OpenAiChatModel.keepsExtras(anthropicClient.withExtras(RequestExtras.NONE)));
        assertEquals(
                true,
                OpenAiChatModel.keepsExtras(
                        anthropicClient.withExtras(new RequestExtras("openai", Map.of(), Map.of()))));
    }

    @Test
    void eachChunksUnmodeledMembersComeJustBeforeItsEvents() {
        RecordingSink sink = new RecordingSink();
        StreamingCall.Decoder decoder = new ChatStream(() -> null, "requested", Secret.NONE, true).decoder(sink);
        for (String chunk : List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                        + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":\"Hi\"},\"logprobs\":{\"content\":[]},\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6,"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}")) {
            decoder.line("data: " + chunk);
            decoder.line("");
        }
        decoder.line("data: [DONE]");
        decoder.line("");
        decoder.end();

        List<StreamEvent> events = sink.events;
        assertInstanceOf(StreamEvent.Start.class, events.get(0));
        StreamEvent.Extras first = assertInstanceOf(StreamEvent.Extras.class, events.get(1));
        assertEquals(ResponseExtras.CHUNK, first.extras().scope());
        assertEquals(
                Map.of("/system_fingerprint", "\"fp_1\"", "/choices/0/logprobs", "{\"content\":[]}"),
                first.extras().members());
        assertEquals(new StreamEvent.TextDelta(0, "Hi"), events.get(2));
        StreamEvent.Extras usage = assertInstanceOf(StreamEvent.Extras.class, events.get(3));
        assertEquals(
                Map.of("/usage/completion_tokens_details", "{\"reasoning_tokens\":0}"),
                usage.extras().members());
        assertInstanceOf(StreamEvent.UsageUpdate.class, events.get(4));
        assertEquals(5, events.size(), "a chunk with nothing unmodeled adds no event: " + events);
    }
}
