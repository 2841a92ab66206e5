package dev.caracal.llm.ollama.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.testkit.StreamingScenarios;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Streamed chats against aimock's NDJSON /api/chat: the test kit's shared scenarios, plus the tool-call ids Ollama
 * does not send (the provider makes the same ones whether it streams or not).
 */
class StreamingTest extends StreamingScenarios<OllamaChatModel> {

    StreamingTest() {
        super(OllamaUnderTest.PROVIDER);
    }

    /** A body that is not NDJSON. */
    @Override
    protected String malformedStream() {
        return "malformed stream";
    }

    @Test
    void aStreamAndACompletionGiveTheSameToolCallIds() throws Exception {
        ChatRequest request = request()
                .user("use tools again")
                .tools(new ToolDefinition("get_weather", null, null))
                .streamed()
                .build();
        List<String> streamed = stream(model(), request).of(StreamEvent.ToolCallDelta.class).stream()
                .map(StreamEvent.ToolCallDelta::id)
                .toList();
        List<String> completed = model().complete(request).content().stream()
                .filter(ContentPart.ToolUse.class::isInstance)
                .map(p -> ((ContentPart.ToolUse) p).id())
                .toList();
        assertEquals(completed, streamed);
    }
}
