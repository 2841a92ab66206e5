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
        return wire(new RequestMapper(null).toBody(request, stream));
    }

    private static JsonNode wire(JsonNode node) {
        return Json.tryParse(Json.write(node));
    }

    @Test
    void plainConversationWithSystemPromptAndSampling() {
        ChatRequest request = new ChatRequest(
                "llama3.2",
                "Be brief.",
                List.of(Message.user("Hi"), Message.assistant("Hello!"), Message.user("Sky colour?")),
                null,
                null,
                new SamplingParameters(0.2, 0.9, 40, 128, 7L, 0.5, 0.25),
                List.of("END", "\n\n"),
                false,
                null);
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
        JsonNode body = body(new ChatRequest("llava", null, List.of(user), null, null, null, null, false, null), false);
        assertEquals(
                tree("[{'role':'user','content':'What is this?','images':['iVBORw0KGgo=','/9j/4AAQ']}]"),
                body.get("messages"));
    }

    @Test
    void anImageLinkIsRefusedSinceOllamaCannotFetchIt() {
        Message user = new Message(Role.USER, List.of(new ContentPart.Image(null, null, "https://x.test/cat.png")));
        LlmException e = assertThrows(
                LlmException.class,
                () -> body(new ChatRequest("llava", null, List.of(user), null, null, null, null, false, null), false));
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
        ChatRequest request = new ChatRequest(
                "qwen3",
                null,
                List.of(Message.user("Weather in Paris?"), assistant, results),
                List.of(
                        new ToolDefinition("get_weather", "Current weather", WEATHER_SCHEMA),
                        new ToolDefinition("get_time", null, null)),
                null,
                null,
                null,
                false,
                null);
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
                new ChatRequest(
                        "m", null, List.of(Message.user("go"), assistant, user), null, null, null, null, false, null),
                false);
        JsonNode messages = body.get("messages");
        assertEquals("tool", messages.get(2).get("role").asText());
        assertEquals("lookup", messages.get(2).get("tool_name").asText());
        assertEquals(tree("{'role':'user','content':'and now?'}"), messages.get(3));
    }

    @Test
    void toolChoiceNoneOffersNoToolAndANamedToolOnlyThatOne() {
        List<ToolDefinition> tools = List.of(new ToolDefinition("a", null, null), new ToolDefinition("b", null, null));
        ChatRequest none =
                new ChatRequest("m", null, List.of(Message.user("x")), tools, ToolChoice.NONE, null, null, false, null);
        assertFalse(body(none, false).has("tools"));
        ChatRequest named = new ChatRequest(
                "m", null, List.of(Message.user("x")), tools, ToolChoice.tool("b"), null, null, false, null);
        JsonNode offered = body(named, false).get("tools");
        assertEquals(1, offered.size());
        assertEquals("b", offered.get(0).path("function").path("name").asText());
        ChatRequest missing = new ChatRequest(
                "m", null, List.of(Message.user("x")), tools, ToolChoice.tool("c"), null, null, false, null);
        assertEquals(
                ErrorKind.INVALID_REQUEST,
                assertThrows(LlmException.class, () -> body(missing, false)).kind());
    }

    @Test
    void toolArgumentsThatAreNoObjectAreRefused() {
        Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.ToolUse("t1", "f", "[1,2]")));
        ChatRequest request =
                new ChatRequest("m", null, List.of(Message.user("x"), assistant), null, null, null, null, false, null);
        assertEquals(
                ErrorKind.INVALID_REQUEST,
                assertThrows(LlmException.class, () -> body(request, false)).kind());
    }

    @Test
    void aBadToolSchemaIsAnInvalidRequest() {
        ChatRequest request = new ChatRequest(
                "m",
                null,
                List.of(Message.user("x")),
                List.of(new ToolDefinition("f", null, "not json")),
                null,
                null,
                null,
                false,
                null);
        assertEquals(
                ErrorKind.INVALID_REQUEST,
                assertThrows(LlmException.class, () -> body(request, false)).kind());
    }

    @Test
    void formatFromTheResponseFormatMetadata() {
        ChatRequest json = new ChatRequest(
                "m",
                null,
                List.of(Message.user("x")),
                null,
                null,
                null,
                null,
                false,
                Map.of(RequestMapper.RESPONSE_FORMAT_KEY, "json"));
        assertEquals("json", body(json, false).get("format").asText());
        ChatRequest schema = new ChatRequest(
                "m",
                null,
                List.of(Message.user("x")),
                null,
                null,
                null,
                null,
                false,
                Map.of(RequestMapper.RESPONSE_FORMAT_KEY, WEATHER_SCHEMA));
        assertEquals(Json.tryParse(WEATHER_SCHEMA), body(schema, false).get("format"));
        ChatRequest openAiShape = new ChatRequest(
                "m",
                null,
                List.of(Message.user("x")),
                null,
                null,
                null,
                null,
                false,
                Map.of(
                        RequestMapper.RESPONSE_FORMAT_KEY,
                        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"w\",\"schema\":" + WEATHER_SCHEMA
                                + "}}"));
        assertEquals(Json.tryParse(WEATHER_SCHEMA), body(openAiShape, false).get("format"));
        ChatRequest bad = new ChatRequest(
                "m",
                null,
                List.of(Message.user("x")),
                null,
                null,
                null,
                null,
                false,
                Map.of(RequestMapper.RESPONSE_FORMAT_KEY, "yaml please"));
        assertEquals(
                ErrorKind.INVALID_REQUEST,
                assertThrows(LlmException.class, () -> body(bad, false)).kind());
    }

    @Test
    void keepAliveIsANumberWhenItIsOne() {
        assertEquals(
                tree("-1"),
                wire(new RequestMapper("-1").toBody(OllamaUnderTest.ask("x"), false))
                        .get("keep_alive"));
        assertEquals(
                tree("300"),
                wire(new RequestMapper("300").toBody(OllamaUnderTest.ask("x"), false))
                        .get("keep_alive"));
        assertEquals(
                "10m",
                new RequestMapper("10m")
                        .toBody(OllamaUnderTest.ask("x"), false)
                        .get("keep_alive")
                        .asText());
    }

    @Test
    void anAssistantMessageWithOnlyToolCallsHasEmptyContent() {
        Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.ToolUse("t", "f", "{\"a\":1}")));
        JsonNode body = body(
                new ChatRequest("m", null, List.of(Message.user("x"), assistant), null, null, null, null, false, null),
                false);
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
                new ChatRequest(
                        "qwen3",
                        null,
                        List.of(Message.user("Weather?"), assistant),
                        null,
                        null,
                        null,
                        null,
                        false,
                        null),
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
                                new ChatRequest(
                                        "qwen3",
                                        null,
                                        List.of(Message.user("Hi"), redactedOnly),
                                        null,
                                        null,
                                        null,
                                        null,
                                        false,
                                        null),
                                false)
                        .get("messages")
                        .get(1));
    }
}
