package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.testkit.StreamingScenarios;
import org.junit.jupiter.api.Test;

/** Streamed chat completions against aimock's SSE: the test kit's shared scenarios, plus OpenAI's usage option. */
class StreamingTest extends StreamingScenarios<OpenAiChatModel> {

    StreamingTest() {
        super(OpenAiUnderTest.PROVIDER);
    }

    /** A body that is neither an event stream nor a chat completion. */
    @Override
    protected String malformedStream() {
        return "malformed stream";
    }

    @Test
    void aStreamAsksForItsUsage() throws Exception {
        stream(model(), streamOf("tell a story with its usage"));
        JsonNode sent = upstream().journal("/v1/chat/completions").stream()
                .filter(e -> e.body().toString().contains("with its usage"))
                .findFirst()
                .orElseThrow()
                .body();
        assertTrue(sent.path("stream").asBoolean());
        // the usage chunk comes after the finish reason and before [DONE] only when asked for
        assertTrue(sent.at("/stream_options/include_usage").asBoolean());
    }
}
