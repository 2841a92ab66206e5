package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.ResponseFormat;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.testkit.ChatRequests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An Anthropic client that asks for structured output in Anthropic's own terms has its member sent to Claude as it
 * wrote it, with no forced tool (so its own tools and thinking still work); an OpenAI client's response_format still
 * goes through the forced tool.
 */
class NativeStructuredOutputTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"number\"}}}";
    private static final String CONFIG = "{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}";

    private static ChatRequest nativeRequest(String format) {
        return ChatRequests.ask("claude-x", "weather in Paris?")
                .withResponseFormat(ResponseFormat.jsonSchema("response", null, SCHEMA, true))
                .withExtras(new RequestExtras(format, Map.of(), Map.of(), Map.of("output_config", CONFIG)));
    }

    @Test
    void anAnthropicClientsOutputConfigIsSentAsWritten() {
        ChatRequest request = nativeRequest("anthropic")
                .withExtras(new RequestExtras("anthropic", Map.of(), Map.of(), Map.of("output_config", CONFIG)));
        ObjectNode body = new RequestMapper(4096, "claude").toBody(request, false);
        String wire = Json.write(body);
        assertTrue(wire.contains("\"output_config\":" + CONFIG), wire);
        assertFalse(body.has("tools"), wire);
        assertFalse(body.has("tool_choice"), wire);

        ChatResponse answer = new ChatResponse(
                "m", "claude-x", List.of(new ContentPart.Text("{\"c\":18}")), StopReason.END_TURN, null);
        assertSame(answer, StructuredOutput.answer(request, answer), "Claude answers the JSON as text already");
    }

    @Test
    void nativeStructuredOutputWorksBesideTheClientsTools() {
        ChatRequest request = new ChatRequest(
                        "claude-x",
                        null,
                        nativeRequest("anthropic").messages(),
                        List.of(new ToolDefinition("get_weather", "Weather", "{\"type\":\"object\"}")),
                        null,
                        null,
                        null,
                        false,
                        null)
                .withResponseFormat(ResponseFormat.jsonSchema("response", null, SCHEMA, true))
                .withExtras(new RequestExtras("anthropic", Map.of(), Map.of(), Map.of("output_config", CONFIG)));
        ObjectNode body = new RequestMapper(4096, "claude").toBody(request, false);
        assertEquals("get_weather", body.at("/tools/0/name").asText());
        assertEquals(1, body.get("tools").size());
        assertTrue(body.has("output_config"));
    }

    @Test
    void theOriginalsOfAnotherFormatAreNotSentAndTheToolIsForced() {
        ObjectNode body = new RequestMapper(4096, "claude").toBody(nativeRequest("openai"), false);
        assertFalse(body.has("output_config"), body.toString());
        assertEquals("response", body.at("/tool_choice/name").asText());
    }
}
