package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.Role;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.testkit.ChatRequests;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request shapes that the end-to-end tests do not reach. */
class RequestMapperTest {

    private final RequestMapper mapper = new RequestMapper("max_completion_tokens", "openai");

    @Test
    void toolResultsInsideAUserMessageBecomeToolMessagesFirst() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.ToolResult("call_1", List.of(new ContentPart.Text("42")), false),
                        new ContentPart.ToolResult("call_2", List.of(new ContentPart.Text("no such city")), true),
                        new ContentPart.Text("and now?")));
        JsonNode body = mapper.toBody(ChatRequests.to("m").messages(user).build(), false);
        JsonNode messages = body.get("messages");
        assertEquals(3, messages.size());
        assertEquals("tool", messages.at("/0/role").asText());
        assertEquals("call_1", messages.at("/0/tool_call_id").asText());
        assertEquals("42", messages.at("/0/content").asText());
        assertEquals("Error: no such city", messages.at("/1/content").asText());
        assertEquals("user", messages.at("/2/role").asText());
        assertEquals("and now?", messages.at("/2/content").asText());
    }

    @Test
    void assistantToolCallsWithoutTextHaveNullContent() {
        Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.ToolUse("c", "f", null)));
        JsonNode body = mapper.toBody(
                ChatRequests.to("m").messages(Message.user("hi"), assistant).build(), true);
        assertTrue(body.at("/messages/1/content").isNull());
        assertEquals(
                "{}", body.at("/messages/1/tool_calls/0/function/arguments").asText());
        assertTrue(body.at("/stream_options/include_usage").asBoolean());
    }

    @Test
    void aToolSchemaMustBeAJsonObject() {
        ChatRequest request = ChatRequests.to("m")
                .user("hi")
                .tools(new ToolDefinition("broken", null, "[1,2"))
                .build();
        LlmException e = assertThrows(LlmException.class, () -> mapper.toBody(request, false));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
    }

    @Test
    void reasoningBecomesReasoningEffortOnlyWhenAsked() {
        ChatRequest plain = ChatRequests.to("o3").user("hi").build();
        assertFalse(mapper.toBody(plain, false).has("reasoning_effort"));
        assertEquals(
                "low",
                mapper.toBody(plain.withReasoning(Reasoning.budget(2_000)), false)
                        .path("reasoning_effort")
                        .asText());
        assertEquals(
                "medium",
                mapper.toBody(plain.withReasoning(Reasoning.budget(8_192)), true)
                        .path("reasoning_effort")
                        .asText());
        assertEquals(
                "high",
                mapper.toBody(plain.withReasoning(Reasoning.effort(Reasoning.Effort.HIGH)), false)
                        .path("reasoning_effort")
                        .asText());
        assertEquals(
                "minimal",
                mapper.toBody(plain.withReasoning(new Reasoning(30_000, Reasoning.Effort.MINIMAL)), false)
                        .path("reasoning_effort")
                        .asText(),
                "the caller's effort wins over its budget");
    }

    @Test
    void assistantReasoningIsLeftOutButOtherPartsStillFail() {
        Message thoughtAndText = new Message(
                Role.ASSISTANT,
                List.of(
                        new ContentPart.RedactedThinking("blob"),
                        new ContentPart.Thinking("hmm", "sig"),
                        new ContentPart.Text("Yes.")));
        JsonNode body = mapper.toBody(
                ChatRequests.to("m")
                        .messages(Message.user("q"), thoughtAndText, Message.user("ok"))
                        .build(),
                false);
        assertEquals(
                "{\"role\":\"assistant\",\"content\":\"Yes.\"}",
                body.at("/messages/1").toString());

        Message image = new Message(
                Role.ASSISTANT,
                List.of(
                        new ContentPart.Thinking("hmm", null),
                        new ContentPart.Image(null, null, "https://example.invalid/a.png")));
        LlmException e = assertThrows(
                LlmException.class,
                () -> mapper.toBody(
                        ChatRequests.to("m").messages(Message.user("q"), image).build(), false));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
    }

    @Test
    void anOpenAiClientsExtrasGoUpstreamVerbatimAndAnotherFormatsAreRefused() {
        ChatRequest request = ChatRequests.ask("m", "hi")
                .withExtras(new RequestExtras(
                        "openai",
                        java.util.Map.of(
                                "store", "true",
                                "parallel_tool_calls", "false",
                                "prediction", "{\"type\":\"content\",\"content\":\"x\"}",
                                "a_field_from_next_month", "[1,2.50,{\"deep\":null}]"),
                        java.util.Map.of("openai-beta", "assistants=v2")));
        String wire = dev.caracal.llm.support.Json.write(mapper.toBody(request, false));
        assertTrue(wire.contains("\"a_field_from_next_month\":[1,2.50,{\"deep\":null}]"), wire);
        JsonNode body = dev.caracal.llm.support.Json.tryParse(wire);
        assertTrue(body.get("store").booleanValue());
        assertFalse(body.get("parallel_tool_calls").booleanValue());
        assertEquals("content", body.at("/prediction/type").asText());

        LlmException refused = assertThrows(
                LlmException.class,
                () -> mapper.toBody(
                        ChatRequests.ask("m", "hi")
                                .withExtras(new RequestExtras(
                                        "anthropic", java.util.Map.of("service_tier", "\"auto\""), null)),
                        false));
        assertEquals(ErrorKind.INVALID_REQUEST, refused.kind());
        assertTrue(
                refused.getMessage()
                        .startsWith("the field service_tier of the anthropic request cannot be carried"
                                + " to provider 'openai'"),
                refused.getMessage());
    }

    @Test
    void topKAndTheEndUserAreCarriedNotDropped() {
        ChatRequest request = new ChatRequest(
                "m",
                null,
                List.of(Message.user("hi")),
                null,
                null,
                new dev.caracal.llm.SamplingParameters(null, null, 40, null, null, null, null),
                null,
                false,
                java.util.Map.of("user", "u-42"));
        JsonNode body = mapper.toBody(request, false);
        assertEquals(40, body.get("top_k").intValue());
        assertEquals("u-42", body.get("user").asText());
    }

    @Test
    void structuredOutputsAreSentAsResponseFormat() {
        JsonNode schema = mapper.toBody(
                ChatRequests.ask("m", "hi")
                        .withResponseFormat(dev.caracal.llm.ResponseFormat.jsonSchema(
                                "weather", "w", "{\"type\":\"object\"}", true)),
                false);
        assertEquals("json_schema", schema.at("/response_format/type").asText());
        assertEquals("weather", schema.at("/response_format/json_schema/name").asText());
        assertEquals(
                "object", schema.at("/response_format/json_schema/schema/type").asText());
        assertTrue(schema.at("/response_format/json_schema/strict").booleanValue());
        JsonNode object = mapper.toBody(
                ChatRequests.ask("m", "hi").withResponseFormat(dev.caracal.llm.ResponseFormat.jsonObject()), false);
        assertEquals("{\"type\":\"json_object\"}", object.get("response_format").toString());
    }

    @Test
    void parallelToolCallsAreSentWithTools() {
        JsonNode body = mapper.toBody(
                ChatRequests.to("m")
                        .user("hi")
                        .tools(new ToolDefinition("t", null, "{\"type\":\"object\"}"))
                        .toolChoice(dev.caracal.llm.ToolChoice.REQUIRED.withParallel(false))
                        .build(),
                false);
        assertEquals("required", body.get("tool_choice").asText());
        assertFalse(body.get("parallel_tool_calls").booleanValue());
    }

    @Test
    void aStrictToolStaysStrict() {
        JsonNode body = mapper.toBody(
                ChatRequests.to("m")
                        .user("hi")
                        .tools(new ToolDefinition("t", null, "{\"type\":\"object\"}", true))
                        .build(),
                false);
        assertTrue(body.at("/tools/0/function/strict").booleanValue());
    }
}
