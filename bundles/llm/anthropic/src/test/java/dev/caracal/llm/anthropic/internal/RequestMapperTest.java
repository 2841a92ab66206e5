package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request body, compared as JSON trees (aimock journals requests in its OpenAI form, so this is the proof). */
class RequestMapperTest {

    private final RequestMapper mapper = new RequestMapper(4096, "claude");

    private static JsonNode json(String text) {
        JsonNode node = Json.tryParse(text.replace('\'', '"'));
        if (node == null) {
            throw new IllegalArgumentException("bad test JSON: " + text);
        }
        return node;
    }

    private static ChatRequest request(List<Message> messages) {
        return ChatRequests.to("claude-sonnet-4-5").messages(messages).build();
    }

    @Test
    void aMinimalRequest() {
        assertEquals(
                json("{'model':'claude-sonnet-4-5','max_tokens':4096,"
                        + "'messages':[{'role':'user','content':'hi'}]}"),
                mapper.toBody(request(List.of(Message.user("hi"))), false));
    }

    @Test
    void everythingMapped() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Text("What is in "),
                        new ContentPart.Text("this picture, and what is the weather?"),
                        new ContentPart.Image("image/jpeg", "QUJD", null),
                        new ContentPart.Image(null, null, "https://example.com/a.png"),
                        new ContentPart.Image(null, null, "data:image/webp;base64,REVG")));
        Message assistant = new Message(
                Role.ASSISTANT,
                List.of(
                        new ContentPart.Text("Let me look."),
                        new ContentPart.ToolUse("toolu_1", "get_weather", "{\"city\":\"Paris\"}"),
                        new ContentPart.ToolUse("toolu_2", "get_time", null)));
        Message tool1 = new Message(
                Role.TOOL, List.of(new ContentPart.ToolResult("toolu_1", List.of(new ContentPart.Text("18C")), false)));
        Message tool2 = new Message(
                Role.TOOL,
                List.of(new ContentPart.ToolResult("toolu_2", List.of(new ContentPart.Text("no clock")), true)));
        Message followUp = Message.user("Thanks, and now?");
        ChatRequest request = ChatRequests.to("claude-opus-4-1")
                .system("Be brief.")
                .messages(user, assistant, tool1, tool2, followUp)
                .tools(
                        new ToolDefinition(
                                "get_weather",
                                "Weather of a city",
                                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"),
                        new ToolDefinition("get_time", null, null))
                .toolChoice(ToolChoice.tool("get_weather"))
                .sampling(new SamplingParameters(0.5, 0.9, 20, 256, null, null, null))
                .stop("STOP", "END")
                .streamed()
                .metadata(Map.of("user", "user-42", "session", "s-1"))
                .build();
        JsonNode expected = json("""
                {'model':'claude-opus-4-1','max_tokens':256,'system':'Be brief.',
                 'messages':[
                  {'role':'user','content':[
                    {'type':'text','text':'What is in '},
                    {'type':'text','text':'this picture, and what is the weather?'},
                    {'type':'image','source':{'type':'base64','media_type':'image/jpeg','data':'QUJD'}},
                    {'type':'image','source':{'type':'url','url':'https://example.com/a.png'}},
                    {'type':'image','source':{'type':'base64','media_type':'image/webp','data':'REVG'}}]},
                  {'role':'assistant','content':[
                    {'type':'text','text':'Let me look.'},
                    {'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Paris'}},
                    {'type':'tool_use','id':'toolu_2','name':'get_time','input':{}}]},
                  {'role':'user','content':[
                    {'type':'tool_result','tool_use_id':'toolu_1','content':'18C'},
                    {'type':'tool_result','tool_use_id':'toolu_2','content':'no clock','is_error':true},
                    {'type':'text','text':'Thanks, and now?'}]}],
                 'tools':[
                  {'name':'get_weather','description':'Weather of a city',
                   'input_schema':{'type':'object','properties':{'city':{'type':'string'}}}},
                  {'name':'get_time','input_schema':{'type':'object'}}],
                 'tool_choice':{'type':'tool','name':'get_weather'},
                 'temperature':0.5,'top_p':0.9,'top_k':20,
                 'stop_sequences':['STOP','END'],
                 'metadata':{'user_id':'user-42'},
                 'stream':true}
                """);
        assertEquals(expected, mapper.toBody(request, true));
    }

    @ParameterizedTest
    @CsvSource({"AUTO, {'type':'auto'}", "NONE, {'type':'none'}", "REQUIRED, {'type':'any'}"})
    void toolChoices(ToolChoice.Mode mode, String expected) {
        ChatRequest request = ChatRequests.to("m")
                .user("hi")
                .tools(new ToolDefinition("t", null, null))
                .toolChoice(new ToolChoice(mode, null))
                .build();
        assertEquals(json(expected), mapper.toBody(request, false).get("tool_choice"));
    }

    @Test
    void noToolChoiceWithoutTools() {
        ChatRequest request =
                ChatRequests.to("m").user("hi").toolChoice(ToolChoice.REQUIRED).build();
        assertEquals(null, mapper.toBody(request, false).get("tool_choice"));
    }

    @Test
    void toolResultsInsideAUserMessageComeFirstAndCarryImages() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Text("here you go"),
                        new ContentPart.ToolResult(
                                "toolu_3",
                                List.of(
                                        new ContentPart.Text("a chart:"),
                                        new ContentPart.Image("image/png", "UE5H", null)),
                                false),
                        new ContentPart.ToolResult("toolu_4", List.of(), false)));
        assertEquals(json("""
                [{'role':'user','content':[
                  {'type':'tool_result','tool_use_id':'toolu_3','content':[
                    {'type':'text','text':'a chart:'},
                    {'type':'image','source':{'type':'base64','media_type':'image/png','data':'UE5H'}}]},
                  {'type':'tool_result','tool_use_id':'toolu_4'},
                  {'type':'text','text':'here you go'}]}]
                """), mapper.toBody(request(List.of(user)), false).get("messages"));
    }

    @Test
    void consecutiveTurnsOfOneRoleAreMergedAndEmptyTextsDropped() {
        List<Message> messages = List.of(
                Message.user("one"),
                Message.user(""),
                Message.user("two"),
                Message.assistant("three"),
                Message.assistant("four"));
        assertEquals(json("""
                [{'role':'user','content':[{'type':'text','text':'one'},{'type':'text','text':'two'}]},
                 {'role':'assistant','content':[{'type':'text','text':'three'},{'type':'text','text':'four'}]}]
                """), mapper.toBody(request(messages), false).get("messages"));
    }

    @Test
    void refusesWhatTheApiCannotTake() {
        assertInvalid(request(List.of(Message.user(""))));
        assertInvalid(request(
                List.of(new Message(Role.ASSISTANT, List.of(new ContentPart.Image("image/png", "QQ==", null))))));
        assertInvalid(request(List.of(new Message(Role.USER, List.of(new ContentPart.ToolUse("a", "b", "{}"))))));
        assertInvalid(request(List.of(new Message(Role.TOOL, List.of(new ContentPart.Text("loose text"))))));
        assertInvalid(
                request(List.of(new Message(Role.ASSISTANT, List.of(new ContentPart.ToolUse("a", "b", "[1,2]"))))));
        assertInvalid(request(List.of(
                new Message(Role.USER, List.of(new ContentPart.Image(null, null, "data:image/png,notbase64"))))));
        assertInvalid(ChatRequests.to("m")
                .user("hi")
                .tools(new ToolDefinition("broken", null, "[1,2"))
                .build());
    }

    private void assertInvalid(ChatRequest request) {
        LlmException e = assertThrows(LlmException.class, () -> mapper.toBody(request, false));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
    }

    @Test
    void theRequestsOwnMaxTokensWinsOverTheDefault() {
        ChatRequest request = ChatRequests.to("m").user("hi").maxTokens(64_000).build();
        assertEquals(64_000, mapper.toBody(request, false).get("max_tokens").asInt());
        assertEquals(
                1000,
                new RequestMapper(1000, "claude")
                        .toBody(request(List.of(Message.user("hi"))), false)
                        .get("max_tokens")
                        .asInt());
    }

    private static ChatRequest reasoning(Integer maxTokens, Reasoning reasoning) {
        return ChatRequests.to("claude-sonnet-4-5")
                .user("hi")
                .maxTokens(maxTokens)
                .reasoning(reasoning)
                .build();
    }

    @ParameterizedTest
    @CsvSource({
        // budget, effort, request max_tokens, sent budget_tokens, sent max_tokens
        "2048,    ,       ,      2048,  4096", // the default holds the budget and an answer
        "4095,    ,       ,      4095,  4096",
        "4096,    ,       ,      4096,  8192", // max_tokens must exceed the budget: budget + default
        "8000,    ,       1000,  8000,  9000", // the request's max_tokens is the room for the answer
        "8000,    ,       16000, 8000,  16000", // ... unless it already holds the budget
        "100,     ,       ,      1024,  4096", // raised to Anthropic's minimum
        "1,       ,       500,   1024,  1524",
        "    ,    MINIMAL, ,     1024,  4096",
        "    ,    LOW,    ,      2048,  4096",
        "    ,    MEDIUM, ,      8192,  12288",
        "    ,    HIGH,   32000, 24576, 32000",
        "3000,    HIGH,   ,      3000,  4096"
    }) // the caller's budget wins over its effort
    void thinkingBudgetAndMaxTokens(
            Integer budget, Reasoning.Effort effort, Integer maxTokens, int sentBudget, int sentMax) {
        JsonNode body = mapper.toBody(reasoning(maxTokens, new Reasoning(budget, effort)), false);
        assertEquals(json("{'type':'enabled','budget_tokens':" + sentBudget + "}"), body.get("thinking"));
        assertEquals(sentMax, body.get("max_tokens").asInt());
        assertTrue(body.get("max_tokens").asInt()
                > body.get("thinking").get("budget_tokens").asInt());
    }

    @Test
    void noThinkingWithoutReasoning() {
        assertEquals(null, mapper.toBody(reasoning(null, null), false).get("thinking"));
    }

    @Test
    void anEnormousBudgetDoesNotOverflowMaxTokens() {
        JsonNode body = mapper.toBody(reasoning(null, Reasoning.budget(Integer.MAX_VALUE - 10)), false);
        assertEquals(Integer.MAX_VALUE, body.get("max_tokens").asInt());
    }

    @Test
    void assistantThinkingGoesBackInOrderAndOnlyWhenSigned() {
        Message assistant = new Message(
                Role.ASSISTANT,
                List.of(
                        new ContentPart.Thinking("First the weather.", "sig-1"),
                        new ContentPart.RedactedThinking("opaque-1"),
                        new ContentPart.Thinking("unsigned, from another provider", null),
                        new ContentPart.Thinking("empty signature", ""),
                        new ContentPart.Text("Checking."),
                        new ContentPart.ToolUse("toolu_1", "get_weather", "{\"city\":\"Paris\"}"),
                        new ContentPart.Thinking("Interleaved.", "sig-2")));
        Message tool = new Message(
                Role.TOOL,
                List.of(
                        new ContentPart.Thinking("stray", "sig-x"),
                        new ContentPart.ToolResult(
                                "toolu_1",
                                List.of(
                                        new ContentPart.Text("18C"),
                                        new ContentPart.Thinking("inside a result", "sig-y")),
                                false)));
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Thinking("a user's", "sig-z"),
                        new ContentPart.RedactedThinking("opaque-2"),
                        new ContentPart.Text("and now?")));
        ChatRequest request = ChatRequests.to("claude-sonnet-4-5")
                .messages(Message.user("weather?"), assistant, tool, user)
                .reasoning(Reasoning.budget(2048))
                .build();
        assertEquals(json("""
                [{'role':'user','content':'weather?'},
                 {'role':'assistant','content':[
                   {'type':'thinking','thinking':'First the weather.','signature':'sig-1'},
                   {'type':'redacted_thinking','data':'opaque-1'},
                   {'type':'text','text':'Checking.'},
                   {'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Paris'}},
                   {'type':'thinking','thinking':'Interleaved.','signature':'sig-2'}]},
                 {'role':'user','content':[
                   {'type':'tool_result','tool_use_id':'toolu_1','content':'18C'},
                   {'type':'text','text':'and now?'}]}]
                """), mapper.toBody(request, false).get("messages"));
    }

    @Test
    void thinkingIsSentBackEvenWhenThisRequestAsksNoReasoning() {
        Message assistant = new Message(
                Role.ASSISTANT, List.of(new ContentPart.Thinking("Easy.", "sig-1"), new ContentPart.Text("4")));
        JsonNode messages = mapper.toBody(
                        request(List.of(Message.user("2+2?"), assistant, Message.user("and 3+3?"))), false)
                .get("messages");
        assertEquals(
                json("[{'type':'thinking','thinking':'Easy.','signature':'sig-1'},{'type':'text','text':'4'}]"),
                messages.get(1).get("content"));
    }

    @Test
    void anAssistantTurnOfUnsignedThinkingOnlyIsRefusedClearly() {
        ChatRequest request = request(List.of(
                Message.user("hi"),
                new Message(Role.ASSISTANT, List.of(new ContentPart.Thinking("thoughts only", null))),
                Message.user("well?")));
        LlmException e = assertThrows(LlmException.class, () -> mapper.toBody(request, false));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("unsigned thinking"), e.getMessage());
    }

    @Test
    void anAnthropicClientsExtrasGoUpstreamVerbatimAndAnotherFormatsAreRefused() {
        ChatRequest request = dev.caracal.llm.testkit.ChatRequests.ask("claude-x", "hi")
                .withExtras(new dev.caracal.llm.RequestExtras(
                        "anthropic", Map.of("service_tier", "\"standard_only\"", "container", "\"c_1\""), null));
        JsonNode body = Json.tryParse(Json.write(mapper.toBody(request, false)));
        assertEquals("standard_only", body.get("service_tier").asText());
        assertEquals("c_1", body.get("container").asText());

        dev.caracal.llm.LlmException refused = assertThrows(
                dev.caracal.llm.LlmException.class,
                () -> mapper.toBody(
                        dev.caracal.llm.testkit.ChatRequests.ask("claude-x", "hi")
                                .withExtras(new dev.caracal.llm.RequestExtras(
                                        "openai", Map.of("store", "true", "prediction", "{}"), null)),
                        false));
        assertTrue(
                refused.getMessage()
                        .startsWith("the fields prediction, store of the openai request cannot be"
                                + " carried to provider 'claude'"),
                refused.getMessage());
    }

    @Test
    void samplingTheMessagesApiHasNoParameterForIsRefusedByName() {
        ChatRequest request = new ChatRequest(
                "claude-x",
                null,
                List.of(dev.caracal.llm.Message.user("hi")),
                null,
                null,
                new dev.caracal.llm.SamplingParameters(null, null, null, null, 7L, 0.5, null),
                null,
                false,
                null);
        dev.caracal.llm.LlmException refused =
                assertThrows(dev.caracal.llm.LlmException.class, () -> mapper.toBody(request, false));
        assertEquals(dev.caracal.llm.ErrorKind.INVALID_REQUEST, refused.kind());
        assertTrue(refused.getMessage().startsWith("seed, presence_penalty have no equivalent"), refused.getMessage());
    }

    @Test
    void structuredOutputIsAForcedToolWhoseInputComesBackAsTheText() {
        ChatRequest request = ChatRequests.ask("claude-x", "weather in Paris?")
                .withResponseFormat(dev.caracal.llm.ResponseFormat.jsonSchema(
                        "weather", null, "{\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"number\"}}}", true));
        JsonNode body = mapper.toBody(request, false);
        assertEquals("weather", body.at("/tools/0/name").asText());
        assertEquals(
                "number", body.at("/tools/0/input_schema/properties/c/type").asText());
        assertEquals("tool", body.at("/tool_choice/type").asText());
        assertEquals("weather", body.at("/tool_choice/name").asText());

        dev.caracal.llm.ChatResponse answer = StructuredOutput.answer(
                request,
                new dev.caracal.llm.ChatResponse(
                        "m1",
                        "claude-x",
                        List.of(new ContentPart.ToolUse("toolu_1", "weather", "{\"c\":18}")),
                        dev.caracal.llm.StopReason.TOOL_USE,
                        null));
        assertEquals("{\"c\":18}", answer.text());
        assertEquals(dev.caracal.llm.StopReason.END_TURN, answer.stopReason());

        List<dev.caracal.llm.StreamEvent> seen = new java.util.ArrayList<>();
        dev.caracal.llm.StreamHandler h = StructuredOutput.stream(request, seen::add);
        h.onEvent(new dev.caracal.llm.StreamEvent.ToolCallDelta(0, "toolu_1", "weather", ""));
        h.onEvent(new dev.caracal.llm.StreamEvent.ToolCallDelta(0, null, null, "{\"c\":"));
        h.onEvent(new dev.caracal.llm.StreamEvent.ToolCallDelta(0, null, null, "18}"));
        h.onEvent(new dev.caracal.llm.StreamEvent.End(dev.caracal.llm.StopReason.TOOL_USE));
        assertEquals(
                List.of(
                        new dev.caracal.llm.StreamEvent.TextDelta(0, "{\"c\":"),
                        new dev.caracal.llm.StreamEvent.TextDelta(0, "18}"),
                        new dev.caracal.llm.StreamEvent.End(dev.caracal.llm.StopReason.END_TURN)),
                seen);

        LlmException besideTools = assertThrows(
                LlmException.class,
                () -> mapper.toBody(
                        ChatRequests.to("claude-x")
                                .user("hi")
                                .tools(new ToolDefinition("t", null, "{\"type\":\"object\"}"))
                                .build()
                                .withResponseFormat(dev.caracal.llm.ResponseFormat.jsonObject()),
                        false));
        assertTrue(besideTools.getMessage().startsWith("response_format cannot be carried beside tools"));
    }

    @Test
    void oneToolAtATimeCrossesAsDisableParallelToolUse() {
        ChatRequest request = ChatRequests.to("claude-x")
                .user("hi")
                .tools(new ToolDefinition("t", null, "{\"type\":\"object\"}"))
                .toolChoice(ToolChoice.AUTO.withParallel(false))
                .build();
        JsonNode body = mapper.toBody(request, false);
        assertEquals("auto", body.at("/tool_choice/type").asText());
        assertTrue(body.at("/tool_choice/disable_parallel_tool_use").booleanValue());
        JsonNode defaults = mapper.toBody(
                ChatRequests.to("claude-x")
                        .user("hi")
                        .tools(new ToolDefinition("t", null, "{\"type\":\"object\"}"))
                        .build(),
                false);
        assertTrue(defaults.at("/tool_choice/disable_parallel_tool_use").isMissingNode());
    }

    @Test
    void aStrictToolIsAnthropicStrictToolUse() {
        JsonNode body = mapper.toBody(
                ChatRequests.to("claude-x")
                        .user("hi")
                        .tools(new ToolDefinition("t", null, "{\"type\":\"object\"}", true))
                        .build(),
                false);
        assertTrue(body.at("/tools/0/strict").booleanValue());
        JsonNode plain = mapper.toBody(
                ChatRequests.to("claude-x")
                        .user("hi")
                        .tools(new ToolDefinition("t", null, "{\"type\":\"object\"}"))
                        .build(),
                false);
        assertTrue(plain.at("/tools/0/strict").isMissingNode());
    }
}
