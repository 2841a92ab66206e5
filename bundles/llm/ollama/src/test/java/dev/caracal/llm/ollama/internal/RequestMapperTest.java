package dev.caracal.llm.ollama.internal;

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
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.testkit.ChatRequests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The /api/chat bodies written for normalized requests, compared as JSON trees. */
class RequestMapperTest {

    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    private static JsonNode tree(String json) {
        return Json.tryParse(json.replace('\'', '"'));
    }

    /** The body as the server reads it (numbers compared by value, not by Java type). */
    private static JsonNode body(ChatRequest request, boolean stream) {
        return wire(new RequestMapper(null, "local").toBody(request, stream));
    }

    private static void assertInvalid(ChatRequest request) {
        assertEquals(
                ErrorKind.INVALID_REQUEST,
                assertThrows(LlmException.class, () -> body(request, false)).kind());
    }

    private static JsonNode wire(JsonNode node) {
        return Json.tryParse(Json.write(node));
    }

    @Test
    void plainConversationWithSystemPromptAndSampling() {
        ChatRequest request = ChatRequests.to("llama3.2")
                .system("Be brief.")
                .messages(Message.user("Hi"), Message.assistant("Hello!"), Message.user("Sky colour?"))
                .sampling(new SamplingParameters(0.2, 0.9, 40, 128, 7L, 0.5, 0.25))
                .stop("END", "\n\n")
                .build();
        assertEquals(
                tree("{'model':'llama3.2','messages':["
                        + "{'role':'system','content':'Be brief.'},"
                        + "{'role':'user','content':'Hi'},"
                        + "{'role':'assistant','content':'Hello!'},"
                        + "{'role':'user','content':'Sky colour?'}],"
                        + "'options':{'temperature':0.2,'top_p':0.9,'top_k':40,'num_predict':128,'seed':7,"
                        + "'presence_penalty':0.5,'frequency_penalty':0.25,'stop':['END','\\n\\n']},"
                        + "'stream':false}"),
                body(request, false));
    }

    @Test
    void noOptionsObjectWithoutSamplingAndTheStreamFlag() {
        JsonNode body = body(OllamaUnderTest.ask("hello"), true);
        assertFalse(body.has("options"));
        assertTrue(body.get("stream").asBoolean());
        assertFalse(body.has("tools"));
        assertFalse(body.has("keep_alive"));
        assertFalse(body.has("format"));
    }

    @Test
    void imagesGoToTheImagesListAsBareBase64() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Text("What is this?"),
                        new ContentPart.Image("image/png", "iVBORw0KGgo=", null),
                        new ContentPart.Image(null, null, "data:image/jpeg;base64,/9j/4AAQ")));
        JsonNode body = body(ChatRequests.to("llava").messages(user).build(), false);
        assertEquals(
                tree("[{'role':'user','content':'What is this?','images':['iVBORw0KGgo=','/9j/4AAQ']}]"),
                body.get("messages"));
    }

    @Test
    void anImageLinkIsRefusedSinceOllamaCannotFetchIt() {
        Message user = new Message(Role.USER, List.of(new ContentPart.Image(null, null, "https://x.test/cat.png")));
        LlmException e = assertThrows(
                LlmException.class,
                () -> body(ChatRequests.to("llava").messages(user).build(), false));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("inline images only"), e.getMessage());
    }

    @Test
    void toolsToolCallsAndToolResults() {
        Message assistant = new Message(
                Role.ASSISTANT,
                List.of(
                        new ContentPart.Text("Let me look."),
                        new ContentPart.ToolUse("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                        new ContentPart.ToolUse("call_2", "get_time", "{}")));
        Message results = new Message(
                Role.TOOL,
                List.of(
                        new ContentPart.ToolResult("call_1", List.of(new ContentPart.Text("18 C")), false),
                        new ContentPart.ToolResult("call_2", List.of(new ContentPart.Text("no clock")), true)));
        ChatRequest request = ChatRequests.to("qwen3")
                .messages(Message.user("Weather in Paris?"), assistant, results)
                .tools(
                        new ToolDefinition("get_weather", "Current weather", WEATHER_SCHEMA),
                        new ToolDefinition("get_time", null, null))
                .build();
        JsonNode body = body(request, false);
        assertEquals(
                tree(
                        "[{'role':'user','content':'Weather in Paris?'},"
                                + "{'role':'assistant','content':'Let me look.','tool_calls':["
                                + "{'id':'call_1','function':{'name':'get_weather','arguments':{'city':'Paris'}}},"
                                + "{'id':'call_2','function':{'name':'get_time','arguments':{}}}]},"
                                + "{'role':'tool','content':'18 C','tool_name':'get_weather','tool_call_id':'call_1'},"
                                + "{'role':'tool','content':'Error: no clock','tool_name':'get_time','tool_call_id':'call_2'}]"),
                body.get("messages"));
        assertEquals(
                tree("[{'type':'function','function':{'name':'get_weather','description':'Current weather',"
                        + "'parameters':" + WEATHER_SCHEMA.replace('"', '\'') + "}},"
                        + "{'type':'function','function':{'name':'get_time','parameters':{'type':'object'}}}]"),
                body.get("tools"));
    }

    @Test
    void toolResultsInsideAUserMessageComeFirst() {
        Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.ToolUse("t1", "lookup", "{}")));
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Text("and now?"),
                        new ContentPart.ToolResult("t1", List.of(new ContentPart.Text("found")), false)));
        JsonNode body = body(
                ChatRequests.to("m")
                        .messages(Message.user("go"), assistant, user)
                        .build(),
                false);
        JsonNode messages = body.get("messages");
        assertEquals("tool", messages.get(2).get("role").asText());
        assertEquals("lookup", messages.get(2).get("tool_name").asText());
        assertEquals(tree("{'role':'user','content':'and now?'}"), messages.get(3));
    }

    @Test
    void toolChoiceNoneOffersNoToolAndANamedToolOnlyThatOne() {
        List<ToolDefinition> tools = List.of(new ToolDefinition("a", null, null), new ToolDefinition("b", null, null));
        ChatRequest none = ChatRequests.to("m")
                .user("x")
                .tools(tools)
                .toolChoice(ToolChoice.NONE)
                .build();
        assertFalse(body(none, false).has("tools"));
        ChatRequest named = ChatRequests.to("m")
                .user("x")
                .tools(tools)
                .toolChoice(ToolChoice.tool("b"))
                .build();
        JsonNode offered = body(named, false).get("tools");
        assertEquals(1, offered.size());
        assertEquals("b", offered.get(0).path("function").path("name").asText());
        ChatRequest missing = ChatRequests.to("m")
                .user("x")
                .tools(tools)
                .toolChoice(ToolChoice.tool("c"))
                .build();
        assertInvalid(missing);
    }

    @Test
    void toolArgumentsThatAreNoObjectAreRefused() {
        Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.ToolUse("t1", "f", "[1,2]")));
        ChatRequest request =
                ChatRequests.to("m").messages(Message.user("x"), assistant).build();
        assertInvalid(request);
    }

    @Test
    void aBadToolSchemaIsAnInvalidRequest() {
        ChatRequest request = ChatRequests.to("m")
                .user("x")
                .tools(new ToolDefinition("f", null, "not json"))
                .build();
        assertInvalid(request);
    }

    @Test
    void formatFromTheResponseFormatMetadata() {
        ChatRequest json = ChatRequests.to("m")
                .user("x")
                .metadata(Map.of(RequestMapper.RESPONSE_FORMAT_KEY, "json"))
                .build();
        assertEquals("json", body(json, false).get("format").asText());
        ChatRequest schema = ChatRequests.to("m")
                .user("x")
                .metadata(Map.of(RequestMapper.RESPONSE_FORMAT_KEY, WEATHER_SCHEMA))
                .build();
        assertEquals(Json.tryParse(WEATHER_SCHEMA), body(schema, false).get("format"));
        ChatRequest openAiShape = ChatRequests.to("m")
                .user("x")
                .metadata(Map.of(
                        RequestMapper.RESPONSE_FORMAT_KEY,
                        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"w\",\"schema\":" + WEATHER_SCHEMA
                                + "}}"))
                .build();
        assertEquals(Json.tryParse(WEATHER_SCHEMA), body(openAiShape, false).get("format"));
        ChatRequest bad = ChatRequests.to("m")
                .user("x")
                .metadata(Map.of(RequestMapper.RESPONSE_FORMAT_KEY, "yaml please"))
                .build();
        assertInvalid(bad);
    }

    @Test
    void keepAliveIsANumberWhenItIsOne() {
        assertEquals(
                tree("-1"),
                wire(new RequestMapper("-1", "local").toBody(OllamaUnderTest.ask("x"), false))
                        .get("keep_alive"));
        assertEquals(
                tree("300"),
                wire(new RequestMapper("300", "local").toBody(OllamaUnderTest.ask("x"), false))
                        .get("keep_alive"));
        assertEquals(
                "10m",
                new RequestMapper("10m", "local")
                        .toBody(OllamaUnderTest.ask("x"), false)
                        .get("keep_alive")
                        .asText());
    }

    @Test
    void anAssistantMessageWithOnlyToolCallsHasEmptyContent() {
        Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.ToolUse("t", "f", "{\"a\":1}")));
        JsonNode body =
                body(ChatRequests.to("m").messages(Message.user("x"), assistant).build(), false);
        assertEquals(
                tree("{'role':'assistant','content':'','tool_calls':[{'id':'t','function':{'name':'f',"
                        + "'arguments':{'a':1}}}]}"),
                body.get("messages").get(1));
    }

    private static JsonNode think(Reasoning reasoning) {
        return body(OllamaUnderTest.ask("x").withReasoning(reasoning), false).get("think");
    }

    @Test
    void thinkIsTrueForABudgetTheLevelForAnEffortAndAbsentWithoutReasoning() {
        assertFalse(body(OllamaUnderTest.ask("x"), false).has("think"), "no reasoning asked: the model's default");
        assertEquals(tree("true"), think(Reasoning.budget(1_024)));
        assertEquals(tree("true"), think(Reasoning.budget(30_000)), "Ollama has no budget: only on or off");
        assertEquals(tree("'low'"), think(Reasoning.effort(Reasoning.Effort.MINIMAL)), "Ollama's smallest level");
        assertEquals(tree("'low'"), think(Reasoning.effort(Reasoning.Effort.LOW)));
        assertEquals(tree("'medium'"), think(Reasoning.effort(Reasoning.Effort.MEDIUM)));
        assertEquals(tree("'high'"), think(Reasoning.effort(Reasoning.Effort.HIGH)));
        assertEquals(tree("'low'"), think(new Reasoning(30_000, Reasoning.Effort.LOW)), "the caller's effort wins");
    }

    @Test
    void thinkingGoesBackInTheAssistantMessageAndRedactedThinkingIsLeftOut() {
        Message assistant = new Message(
                Role.ASSISTANT,
                List.of(
                        new ContentPart.RedactedThinking("EnCrYpTeD"),
                        new ContentPart.Thinking("Paris is in France. ", null),
                        new ContentPart.Thinking("Ask the tool.", "sig"),
                        new ContentPart.Text("Let me look."),
                        new ContentPart.ToolUse("call_1", "get_weather", "{}")));
        JsonNode body = body(
                ChatRequests.to("qwen3")
                        .messages(Message.user("Weather?"), assistant)
                        .build(),
                false);
        assertEquals(
                tree("{'role':'assistant','content':'Let me look.','thinking':'Paris is in France. Ask the tool.',"
                        + "'tool_calls':[{'id':'call_1','function':{'name':'get_weather','arguments':{}}}]}"),
                body.get("messages").get(1));
        assertFalse(Json.write(body).contains("EnCrYpTeD"), "redacted thinking is not sent");

        Message redactedOnly = new Message(
                Role.ASSISTANT, List.of(new ContentPart.RedactedThinking("EnCrYpTeD"), new ContentPart.Text("Hello!")));
        assertEquals(
                tree("{'role':'assistant','content':'Hello!'}"),
                body(
                                ChatRequests.to("qwen3")
                                        .messages(Message.user("Hi"), redactedOnly)
                                        .build(),
                                false)
                        .get("messages")
                        .get(1));
    }

    @Test
    void aClientsExtrasMeanNothingToOllamaAndAreRefusedByName() {
        dev.caracal.llm.LlmException refused = org.junit.jupiter.api.Assertions.assertThrows(
                dev.caracal.llm.LlmException.class,
                () -> new RequestMapper(null, "local")
                        .toBody(
                                OllamaUnderTest.ask("x")
                                        .withExtras(new dev.caracal.llm.RequestExtras(
                                                "openai", java.util.Map.of("store", "true"), null)),
                                false));
        org.junit.jupiter.api.Assertions.assertTrue(
                refused.getMessage()
                        .contains("field store of the openai request cannot be carried to provider 'local'"),
                refused.getMessage());
    }
}
