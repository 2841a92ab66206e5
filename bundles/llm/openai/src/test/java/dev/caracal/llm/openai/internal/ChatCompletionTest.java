package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.openai.internal.OpenAiUnderTest.API_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.ChatScenarios;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Non-streamed completions against aimock: the test kit's shared scenarios, plus the OpenAI shapes of tool choice,
 * tool messages, sampling and images, the content filter, and the key as a bearer token.
 */
class ChatCompletionTest extends ChatScenarios<OpenAiChatModel> {

    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}," + "\"required\":[\"city\"]}";

    ChatCompletionTest() {
        super(OpenAiUnderTest.PROVIDER);
    }

    @Override
    protected MockUpstream.Builder upstreamOptions(MockUpstream.Builder builder) {
        return builder.requireApiKeys(API_KEY);
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(
                Fixture.whenToolResult("call_t1").reply("It is 18 degrees, tersely."),
                Fixture.whenUserSays("terse forecast").toolCall("call_t1", "get_weather", "{\"city\":\"Paris\"}"),
                Fixture.whenUserSays("filtered").reply("[filtered]").finishReason("content_filter"),
                Fixture.whenUserSays("describe").reply("A cat on a mat."),
                Fixture.whenUserSays("mapping").reply("mapped"));
    }

    @Test
    void aFilteredAnswerStopsForTheContentFilter() {
        assertEquals(
                StopReason.CONTENT_FILTER, model().complete(ask("filtered")).stopReason());
    }

    @Test
    void toolChoiceSystemAndToolMessagesTakeOpenAisShape() {
        ToolDefinition weather = new ToolDefinition("get_weather", "Current weather of a city", WEATHER_SCHEMA);
        model().complete(ChatRequests.to("gpt-4o")
                .system("You are terse.")
                .user("terse forecast for Paris?")
                .tools(weather)
                .toolChoice(ToolChoice.REQUIRED)
                .build());
        JsonNode sent = lastRequestBody();
        assertEquals("system", sent.at("/messages/0/role").asText());
        assertEquals("You are terse.", sent.at("/messages/0/content").asText());
        assertEquals("function", sent.at("/tools/0/type").asText());
        assertEquals("get_weather", sent.at("/tools/0/function/name").asText());
        assertEquals(
                "string",
                sent.at("/tools/0/function/parameters/properties/city/type").asText());
        assertEquals("required", sent.at("/tool_choice").asText());

        ChatResponse answer = model().complete(ChatRequests.to("gpt-4o")
                .system("You are terse.")
                .user("terse forecast for Paris?")
                .messages(
                        new Message(
                                Role.ASSISTANT,
                                List.of(new ContentPart.ToolUse("call_t1", "get_weather", "{\"city\":\"Paris\"}"))),
                        new Message(
                                Role.TOOL,
                                List.of(new ContentPart.ToolResult(
                                        "call_t1", List.of(new ContentPart.Text("{\"celsius\":18}")), false))))
                .tools(weather)
                .toolChoice(ToolChoice.tool("get_weather"))
                .build());
        assertEquals("It is 18 degrees, tersely.", answer.text());
        JsonNode second = lastRequestBody();
        JsonNode assistant = second.at("/messages/2");
        assertEquals("assistant", assistant.path("role").asText());
        assertEquals("call_t1", assistant.at("/tool_calls/0/id").asText());
        assertEquals("get_weather", assistant.at("/tool_calls/0/function/name").asText());
        assertEquals(
                "{\"city\":\"Paris\"}",
                assistant.at("/tool_calls/0/function/arguments").asText());
        JsonNode tool = second.at("/messages/3");
        assertEquals("tool", tool.path("role").asText());
        assertEquals("call_t1", tool.path("tool_call_id").asText());
        assertEquals("{\"celsius\":18}", tool.path("content").asText());
        assertEquals("get_weather", second.at("/tool_choice/function/name").asText());
    }

    @Test
    void mapsSamplingStopAndModelOverride() {
        SamplingParameters sampling = new SamplingParameters(0.2, 0.9, 40, 256, 7L, 0.5, -0.5);
        ChatRequest request = ChatRequests.to("gpt-4o")
                .user("mapping please")
                .sampling(sampling)
                .stop("END", "STOP")
                .metadata(Map.of("user", "u1"))
                .build();
        model().complete(request.withModel("gpt-4o-mini"));
        JsonNode sent = lastRequestBody();
        assertEquals("gpt-4o-mini", sent.path("model").asText());
        assertEquals(0.2, sent.path("temperature").asDouble());
        assertEquals(0.9, sent.path("top_p").asDouble());
        assertEquals(256, sent.path("max_completion_tokens").asInt());
        assertFalse(sent.has("max_tokens"));
        assertTrue(sent.has("top_k"), "carried (OpenAI refuses it, the compatible servers that sample by it take it)");
        assertEquals(7, sent.path("seed").asLong());
        assertEquals(0.5, sent.path("presence_penalty").asDouble());
        assertEquals(-0.5, sent.path("frequency_penalty").asDouble());
        assertEquals("END", sent.at("/stop/0").asText());
        assertEquals("STOP", sent.at("/stop/1").asText());
        assertFalse(sent.path("stream").asBoolean(false));
        assertFalse(sent.has("tools"));
        assertFalse(sent.has("tool_choice"));

        try (OpenAiChatModel legacy =
                new OpenAiChatModel(OpenAiUnderTest.settings(baseUrl(), Map.of("maxTokensField", "max_tokens")))) {
            legacy.complete(ChatRequests.to("local-model")
                    .user("mapping again")
                    .maxTokens(64)
                    .build());
        }
        JsonNode legacySent = lastRequestBody();
        assertEquals(64, legacySent.path("max_tokens").asInt());
        assertFalse(legacySent.has("max_completion_tokens"));
    }

    @Test
    void sendsImagesAsContentParts() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Text("describe these"),
                        new ContentPart.Image(null, null, "https://example.invalid/cat.png"),
                        new ContentPart.Image("image/jpeg", "AAEC", null)));
        ChatResponse response =
                model().complete(ChatRequests.to("gpt-4o").messages(user).build());
        assertEquals("A cat on a mat.", response.text());
        JsonNode content = lastRequestBody().at("/messages/0/content");
        assertEquals("text", content.at("/0/type").asText());
        assertEquals("describe these", content.at("/0/text").asText());
        assertEquals("image_url", content.at("/1/type").asText());
        assertEquals(
                "https://example.invalid/cat.png",
                content.at("/1/image_url/url").asText());
        assertEquals(
                "data:image/jpeg;base64,AAEC", content.at("/2/image_url/url").asText());
    }

    @Test
    void keyIsSentAsBearerToken() {
        // aimock was started with requireApiKeys: every successful call proves the key was sent (and a wrong or
        // missing key is refused: ProviderAndSecretsTest); aimock journals the header redacted
        assertEquals("Hi there!", model().complete(ask("hello")).text());
        assertTrue(upstream().journal("/v1/chat/completions").stream()
                .allMatch(e -> "[REDACTED]".equals(e.header("authorization"))));
    }
}
