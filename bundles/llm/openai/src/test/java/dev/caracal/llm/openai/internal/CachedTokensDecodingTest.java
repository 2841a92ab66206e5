package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.StreamingCall;
import dev.caracal.llm.testkit.RecordingSink;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's automatic prompt caching reports the prompt tokens read from its cache in
 * {@code usage.prompt_tokens_details.cached_tokens} (aimock reports none): they come back as the normalized
 * {@code cachedInputTokens}, counted within the input as OpenAI counts them, in a whole answer and in a stream's
 * usage chunk. OpenAI reports no cache writes.
 */
class CachedTokensDecodingTest {
    private static final String USAGE = "{\"prompt_tokens\":2006,\"completion_tokens\":300,\"total_tokens\":2306,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":1920}}";

    @Test
    void aWholeAnswersCachedTokens() {
        assertEquals(
                new Usage(2006, 300, 1920, 0),
                ResponseMapper.toResponse(
                                Json.tryParse("{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                                        + "\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":"
                                        + USAGE + "}"),
                                "requested")
                        .usage());
    }

    @Test
    void aStreamsUsageChunksCachedTokens() {
        RecordingSink sink = new RecordingSink();
        StreamingCall.Decoder decoder = new ChatStream(() -> null, "requested", Secret.NONE, false).decoder(sink);
        for (String chunk : new String[] {
            "{\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"hi\"},\"finish_reason\":null}]}",
            "{\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[],\"usage\":" + USAGE + "}"
        }) {
            decoder.line("data: " + chunk);
            decoder.line("");
        }
        decoder.line("data: [DONE]");
        decoder.line("");
        decoder.end();
        assertEquals(
                new StreamEvent.UsageUpdate(new Usage(2006, 300, 1920, 0)),
                sink.events.stream()
                        .filter(e -> e instanceof StreamEvent.UsageUpdate)
                        .reduce((a, b) -> b)
                        .orElseThrow());
    }
}
