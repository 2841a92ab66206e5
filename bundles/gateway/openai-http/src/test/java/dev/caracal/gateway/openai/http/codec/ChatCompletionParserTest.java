package dev.caracal.gateway.openai.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatCompletionParserTest {

    static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A rendered tree as the client sees it: serialized and parsed back (so 7L and 7 compare equal). */
    static JsonNode wire(Object node) {
        try {
            return Json.mapper().readTree(Json.mapper().writeValueAsString(node));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ChatCompletionCall parse(String s) {
        return ChatCompletionParser.parse(json(s));
    }

    static final String HI = "'messages':[{'role':'user','content':'hi'}]";

    @Test
    void minimalRequestHasDefaults() {
        ChatCompletionCall call = parse("{'model':'gpt-4o'," + HI + "}");
        ChatRequest r = call.request();
        assertEquals("gpt-4o", r.model());
        assertNull(r.system());
        assertEquals(List.of(Message.user("hi")), r.messages());
        assertEquals(List.of(), r.tools());
        assertEquals(ToolChoice.AUTO, r.toolChoice());
        assertEquals(SamplingParameters.DEFAULTS, r.sampling());
        assertEquals(List.of(), r.stop());
        assertFalse(r.stream());
        assertFalse(call.includeUsage());
        assertEquals(Map.of(), r.metadata());
    }

    @Test
    void aMessagesParticipantNameIsRead() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','name':'alice','content':'hi'},"
                        + "{'role':'assistant','name':'bot','content':'hello'},{'role':'user','content':'x'}]}")
                .request();
        assertEquals("alice", r.messages().get(0).name());
        assertEquals("bot", r.messages().get(1).name());
        assertNull(r.messages().get(2).name());
        InvalidRequestException onSystem = assertThrows(
                InvalidRequestException.class,
                () -> parse("{'model':'m','messages':[{'role':'developer','name':'ops','content':'be brief'},"
                        + "{'role':'user','content':'x'}]}"));
        assertEquals("messages[0].name", onSystem.param());
        assertEquals(InvalidRequestException.UNSUPPORTED_VALUE, onSystem.code());
        assertEquals(
                "messages[0].name",
                assertThrows(
                                InvalidRequestException.class,
                                () -> parse("{'model':'m','messages':[{'role':'user','name':'','content':'x'}]}"))
                        .param());
    }

    @Test
    void anImagesDetailIsRead() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':["
                        + "{'type':'image_url','image_url':{'url':'https://example.org/a.png','detail':'low'}},"
                        + "{'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo=','detail':'high'}},"
                        + "{'type':'image_url','image_url':'https://example.org/b.png'}]}]}")
                .request();
        List<ContentPart> parts = r.messages().get(0).content();
        assertEquals(new ContentPart.Image(null, null, "https://example.org/a.png", "low"), parts.get(0));
        assertEquals(new ContentPart.Image("image/png", "iVBORw0KGgo=", null, "high"), parts.get(1));
        assertEquals(new ContentPart.Image(null, null, "https://example.org/b.png", null), parts.get(2));
    }

    @Test
    void everySamplingFieldIsCarried() {
        ChatRequest r = parse("{'model':'m'," + HI + ",'temperature':0.7,'top_p':0.9,'max_tokens':100,"
                        + "'seed':42,'presence_penalty':-1.5,'frequency_penalty':2,'n':1,'stop':['END','###'],"
                        + "'user':'alice','metadata':{'session':'s1'},'stream':true,"
                        + "'stream_options':{'include_usage':true}}")
                .request();
        assertEquals(new SamplingParameters(0.7, 0.9, null, 100, 42L, -1.5, 2.0), r.sampling());
        assertEquals(List.of("END", "###"), r.stop());
        assertEquals(Map.of("user", "alice", "session", "s1"), r.metadata());
        assertTrue(r.stream());
        assertTrue(parse("{'model':'m'," + HI + ",'stream':true,'stream_options':{'include_usage':true}}")
                .includeUsage());
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokensAndStopMayBeAString() {
        ChatRequest r = parse("{'model':'m'," + HI + ",'max_tokens':10,'max_completion_tokens':20,'stop':'x'}")
                .request();
        assertEquals(20, r.sampling().maxTokens());
        assertEquals(List.of("x"), r.stop());
        assertEquals(
                5,
                parse("{'model':'m'," + HI + ",'max_completion_tokens':5.0}")
                        .request()
                        .sampling()
                        .maxTokens());
    }

    @Test
    void systemAndDeveloperMessagesAreConcatenatedIntoTheSystemPrompt() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'system','content':'You are terse.'},"
                        + "{'role':'developer','content':[{'type':'text','text':'Answer in '},{'type':'text','text':'French.'}]},"
                        + "{'role':'user','content':'hi'}]}")
                .request();
        assertEquals("You are terse.\n\nAnswer in French.", r.system());
        assertEquals(1, r.messages().size());
    }

    @Test
    void userContentPartsWithTextAndImages() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':["
                        + "{'type':'text','text':'What is this?'},"
                        + "{'type':'image_url','image_url':{'url':'https://example.com/cat.png','detail':'high'}},"
                        + "{'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo='}}]}]}")
                .request();
        assertEquals(
                List.of(new Message(
                        Role.USER,
                        List.of(
                                new ContentPart.Text("What is this?"),
                                new ContentPart.Image(null, null, "https://example.com/cat.png", "high"),
                                new ContentPart.Image("image/png", "iVBORw0KGgo=", null)))),
                r.messages());
    }

    @Test
    void assistantToolCallsAndToolResults() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':'weather in Paris and Rome?'},"
                        + "{'role':'assistant','content':null,'tool_calls':["
                        + "{'id':'call_1','type':'function','function':{'name':'weather','arguments':'{\\'city\\':\\'Paris\\'}'}},"
                        + "{'id':'call_2','type':'function','function':{'name':'weather','arguments':''}}]},"
                        + "{'role':'tool','tool_call_id':'call_1','content':'18C'},"
                        + "{'role':'tool','tool_call_id':'call_2','content':[{'type':'text','text':'21C'}]},"
                        + "{'role':'assistant','content':'Paris 18C, Rome 21C.'},"
                        + "{'role':'user','content':'thanks'}]}")
                .request();
        assertEquals(5, r.messages().size());
        assertEquals(
                new Message(
                        Role.ASSISTANT,
                        List.of(
                                new ContentPart.ToolUse("call_1", "weather", "{\"city\":\"Paris\"}"),
                                new ContentPart.ToolUse("call_2", "weather", "{}"))),
                r.messages().get(1));
        assertEquals(
                new Message(
                        Role.TOOL,
                        List.of(
                                new ContentPart.ToolResult("call_1", List.of(new ContentPart.Text("18C")), false),
                                new ContentPart.ToolResult("call_2", List.of(new ContentPart.Text("21C")), false))),
                r.messages().get(2));
        assertEquals(Message.assistant("Paris 18C, Rome 21C."), r.messages().get(3));
    }

    @Test
    void assistantTextAndToolCallsTogetherAndRefusalParts() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':'x'},"
                        + "{'role':'assistant','content':[{'type':'text','text':'Let me check.'}],'tool_calls':["
                        + "{'id':'c','type':'function','function':{'name':'f','arguments':'{}'}}]},"
                        + "{'role':'assistant','content':[{'type':'refusal','refusal':'No.'}]}]}")
                .request();
        assertEquals(
                List.of(new ContentPart.Text("Let me check."), new ContentPart.ToolUse("c", "f", "{}")),
                r.messages().get(1).content());
        assertEquals("No.", r.messages().get(2).text());
    }

    @Test
    void toolsAndToolChoices() {
        String tools = "'tools':[{'type':'function','function':{'name':'get_weather','description':'Weather now',"
                + "'parameters':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']},"
                + "'strict':true}},{'type':'function','function':{'name':'noop'}}]";
        ChatRequest r = parse("{'model':'m'," + HI + "," + tools + "}").request();
        assertEquals(
                List.of(
                        new ToolDefinition(
                                "get_weather",
                                "Weather now",
                                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}",
                                true),
                        new ToolDefinition("noop", null, null)),
                r.tools());
        assertEquals(ToolChoice.AUTO, r.toolChoice());
        assertEquals(
                ToolChoice.NONE,
                parse("{'model':'m'," + HI + "," + tools + ",'tool_choice':'none'}")
                        .request()
                        .toolChoice());
        assertEquals(
                ToolChoice.AUTO,
                parse("{'model':'m'," + HI + "," + tools + ",'tool_choice':'auto'}")
                        .request()
                        .toolChoice());
        assertEquals(
                ToolChoice.REQUIRED,
                parse("{'model':'m'," + HI + "," + tools + ",'tool_choice':'required'}")
                        .request()
                        .toolChoice());
        assertEquals(
                ToolChoice.tool("noop"),
                parse("{'model':'m'," + HI + "," + tools
                                + ",'tool_choice':{'type':'function','function':{'name':'noop'}}}")
                        .request()
                        .toolChoice());
    }

    @Test
    void reasoningEffortLevelsBecomeReasoningAndNoneAsksForNone() {
        for (Reasoning.Effort effort : Reasoning.Effort.values()) {
            ChatRequest r = parse("{'model':'m'," + HI + ",'reasoning_effort':'" + effort.wireName() + "'}")
                    .request();
            assertEquals(Reasoning.effort(effort), r.reasoning(), effort.wireName());
        }
        assertEquals(
                Reasoning.effort(Reasoning.Effort.HIGH),
                parse("{'model':'m'," + HI + ",'reasoning_effort':'high'}")
                        .request()
                        .reasoning());
        assertEquals(
                Reasoning.OFF,
                parse("{'model':'m'," + HI + ",'reasoning_effort':'none'}")
                        .request()
                        .reasoning());
        assertNull(parse("{'model':'m'," + HI + ",'reasoning_effort':null}")
                .request()
                .reasoning());
        assertNull(parse("{'model':'m'," + HI + "}").request().reasoning());
    }

    @Test
    void invalidReasoningEffortsNameTheFieldAndTheAcceptedValues() {
        for (String value : List.of("'extreme'", "'High'", "''", "' low'")) {
            InvalidRequestException e = assertThrows(
                    InvalidRequestException.class,
                    () -> parse("{'model':'m'," + HI + ",'reasoning_effort':" + value + "}"),
                    value);
            assertEquals("reasoning_effort", e.param());
            assertEquals(InvalidRequestException.INVALID_VALUE, e.code());
            assertEquals(
                    "Invalid value for 'reasoning_effort': must be one of 'none', 'minimal', 'low', 'medium' "
                            + "or 'high', got " + value + ".",
                    e.getMessage());
        }
        for (String value : List.of("3", "true", "['high']", "{'effort':'high'}")) {
            InvalidRequestException e = assertThrows(
                    InvalidRequestException.class,
                    () -> parse("{'model':'m'," + HI + ",'reasoning_effort':" + value + "}"),
                    value);
            assertEquals("reasoning_effort", e.param());
            assertEquals(InvalidRequestException.INVALID_TYPE, e.code());
            assertEquals(
                    "Invalid type for 'reasoning_effort': expected a string ('none', 'minimal', 'low', "
                            + "'medium' or 'high').",
                    e.getMessage());
        }
    }

    @Test
    void reasoningContentInTheHistoryBecomesLeadingThinking() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':'2+2?'},"
                        + "{'role':'assistant','content':'4','reasoning_content':'Two plus two is four.'},"
                        + "{'role':'user','content':'weather?'},"
                        + "{'role':'assistant','content':null,'reasoning_content':'Need the tool.','tool_calls':["
                        + "{'id':'c','type':'function','function':{'name':'f','arguments':'{}'}}]},"
                        + "{'role':'tool','tool_call_id':'c','content':'sunny'},"
                        + "{'role':'assistant','content':'','reasoning_content':'Cut off while thinking'},"
                        + "{'role':'assistant','content':'plain','reasoning_content':''},"
                        + "{'role':'assistant','content':'odd','reasoning_content':{'text':'x'}},"
                        + "{'role':'assistant','content':'nulled','reasoning_content':null},"
                        + "{'role':'user','content':'thanks'}]}")
                .request();
        assertEquals(
                new Message(
                        Role.ASSISTANT,
                        List.of(new ContentPart.Thinking("Two plus two is four.", null), new ContentPart.Text("4"))),
                r.messages().get(1));
        assertEquals(
                new Message(
                        Role.ASSISTANT,
                        List.of(
                                new ContentPart.Thinking("Need the tool.", null),
                                new ContentPart.ToolUse("c", "f", "{}"))),
                r.messages().get(3));
        assertEquals(
                new Message(
                        Role.ASSISTANT,
                        List.of(new ContentPart.Thinking("Cut off while thinking", null), new ContentPart.Text(""))),
                r.messages().get(5));
        assertEquals(Message.assistant("plain"), r.messages().get(6));
        assertEquals(Message.assistant("odd"), r.messages().get(7));
        assertEquals(Message.assistant("nulled"), r.messages().get(8));
        assertEquals("4", r.messages().get(1).text());
    }

    @Test
    void structuredOutputsAreRead() {
        assertEquals(
                dev.caracal.llm.ResponseFormat.jsonObject(),
                parse("{'model':'m'," + HI + ",'response_format':{'type':'json_object'}}")
                        .request()
                        .responseFormat());
        assertEquals(
                dev.caracal.llm.ResponseFormat.jsonSchema(
                        "weather", "Weather of a city", "{\"type\":\"object\",\"properties\":{}}", true),
                parse("{'model':'m'," + HI + ",'response_format':{'type':'json_schema','json_schema':{'name':"
                                + "'weather','description':'Weather of a city','strict':true,'schema':"
                                + "{'type':'object','properties':{}}}}}")
                        .request()
                        .responseFormat());
        assertEquals(
                null,
                parse("{'model':'m'," + HI + ",'response_format':{'type':'text'}}")
                        .request()
                        .responseFormat());
    }

    @Test
    void acceptedButIgnoredFields() {
        ChatRequest r = parse("{'model':'m'," + HI + ",'response_format':{'type':'text'},'logprobs':false,"
                        + "'logit_bias':{},'modalities':['text'],'parallel_tool_calls':true,'store':false,'unknown':1,"
                        + "'temperature':null}")
                .request();
        assertEquals("m", r.model());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                // field, body, param, code
                Arguments.of("{" + HI + "}", "model", InvalidRequestException.MISSING),
                Arguments.of("{'model':3," + HI + "}", "model", InvalidRequestException.INVALID_TYPE),
                Arguments.of("{'model':''," + HI + "}", "model", InvalidRequestException.INVALID_VALUE),
                Arguments.of("{'model':'m'}", "messages", InvalidRequestException.MISSING),
                Arguments.of("{'model':'m','messages':{}}", "messages", InvalidRequestException.INVALID_TYPE),
                Arguments.of("{'model':'m','messages':[]}", "messages", InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'system','content':'s'}]}",
                        "messages",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of("{'model':'m','messages':['hi']}", "messages[0]", InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m','messages':[{'content':'hi'}]}",
                        "messages[0].role",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'robot','content':'hi'}]}",
                        "messages[0].role",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'function','name':'f','content':'x'}]}",
                        "messages[0].role",
                        InvalidRequestException.UNSUPPORTED_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user'}]}",
                        "messages[0].content",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':7}]}",
                        "messages[0].content",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[]}]}",
                        "messages[0].content",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':'a'},{'role':'user','content':"
                                + "[{'type':'video'}]}]}",
                        "messages[1].content[0].type",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'text'}]}]}",
                        "messages[0].content[0].text",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'input_audio',"
                                + "'input_audio':{}}]}]}",
                        "messages[0].content[0].type",
                        InvalidRequestException.UNSUPPORTED_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':"
                                + "{'url':'ftp://x/y.png'}}]}]}",
                        "messages[0].content[0].image_url.url",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':"
                                + "{'url':'data:image/png,abc'}}]}]}",
                        "messages[0].content[0].image_url.url",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':"
                                + "{'url':'data:text/plain;base64,aGk='}}]}]}",
                        "messages[0].content[0].image_url.url",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':"
                                + "{'url':'data:image/png;base64,@@@'}}]}]}",
                        "messages[0].content[0].image_url.url",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':"
                                + "{'url':'https://x/y.png','detail':'max'}}]}]}",
                        "messages[0].content[0].image_url.detail",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url'}]}]}",
                        "messages[0].content[0].image_url",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'system','content':[{'type':'image_url',"
                                + "'image_url':{'url':'https://x'}}]},{'role':'user','content':'a'}]}",
                        "messages[0].content[0].type",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':'a'},{'role':'assistant'}]}",
                        "messages[1].content",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':'a'},{'role':'assistant',"
                                + "'tool_calls':[{'type':'function','function':{'name':'f','arguments':'{}'}}]}]}",
                        "messages[1].tool_calls[0].id",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':'a'},{'role':'assistant',"
                                + "'tool_calls':[{'id':'c','type':'function','function':{'arguments':'{}'}}]}]}",
                        "messages[1].tool_calls[0].function.name",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':'a'},{'role':'assistant',"
                                + "'tool_calls':[{'id':'c','type':'function','function':{'name':'f','arguments':{}}}]}]}",
                        "messages[1].tool_calls[0].function.arguments",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':'a'},{'role':'assistant',"
                                + "'tool_calls':[{'id':'c','type':'custom','custom':{}}]}]}",
                        "messages[1].tool_calls[0].type",
                        InvalidRequestException.UNSUPPORTED_VALUE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'user','content':'a'},{'role':'assistant',"
                                + "'reasoning_content':'thought'}]}",
                        "messages[1].content",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m'," + HI + ",'reasoning_effort':'max'}",
                        "reasoning_effort",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'reasoning_effort':2}",
                        "reasoning_effort",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m','messages':[{'role':'tool','content':'x'}]}",
                        "messages[0].tool_call_id",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m'," + HI + ",'temperature':2.5}",
                        "temperature",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'temperature':-0.1}",
                        "temperature",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'temperature':'hot'}",
                        "temperature",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of("{'model':'m'," + HI + ",'top_p':1.1}", "top_p", InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'presence_penalty':-3}",
                        "presence_penalty",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'frequency_penalty':2.01}",
                        "frequency_penalty",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'max_tokens':0}", "max_tokens", InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'max_tokens':1.5}",
                        "max_tokens",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'max_completion_tokens':-4}",
                        "max_completion_tokens",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'max_tokens':3000000000}",
                        "max_tokens",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of("{'model':'m'," + HI + ",'seed':'x'}", "seed", InvalidRequestException.INVALID_TYPE),
                Arguments.of("{'model':'m'," + HI + ",'n':2}", "n", InvalidRequestException.UNSUPPORTED_VALUE),
                Arguments.of("{'model':'m'," + HI + ",'n':0}", "n", InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'stop':['a','b','c','d','e']}",
                        "stop",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'stop':['a',1]}", "stop[1]", InvalidRequestException.INVALID_TYPE),
                Arguments.of("{'model':'m'," + HI + ",'stop':5}", "stop", InvalidRequestException.INVALID_TYPE),
                Arguments.of("{'model':'m'," + HI + ",'stream':'yes'}", "stream", InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'stream_options':{'include_usage':true}}",
                        "stream_options",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'stream':true,'stream_options':{'include_usage':1}}",
                        "stream_options.include_usage",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of("{'model':'m'," + HI + ",'user':5}", "user", InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'metadata':{'a':1}}",
                        "metadata.a",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of("{'model':'m'," + HI + ",'tools':{}}", "tools", InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tools':[{'type':'custom','custom':{'name':'x'}}]}",
                        "tools[0].type",
                        InvalidRequestException.UNSUPPORTED_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tools':[{'type':'function'}]}",
                        "tools[0].function",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tools':[{'type':'function','function':{'name':'a b'}}]}",
                        "tools[0].function.name",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tools':[{'type':'function','function':{'name':'a'}},"
                                + "{'type':'function','function':{'name':'a'}}]}",
                        "tools[1].function.name",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tools':[{'type':'function','function':{'name':'a',"
                                + "'parameters':'{}'}}]}",
                        "tools[0].function.parameters",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tool_choice':'required'}",
                        "tool_choice",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tool_choice':'sometimes'}",
                        "tool_choice",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tools':[{'type':'function','function':{'name':'a'}}],"
                                + "'tool_choice':{'type':'function','function':{'name':'b'}}}",
                        "tool_choice.function.name",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'tool_choice':7}",
                        "tool_choice",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'response_format':{'type':'xml'}}",
                        "response_format.type",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'response_format':{'type':'json_schema'}}",
                        "response_format.json_schema",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'model':'m'," + HI + ",'response_format':{'type':'json_schema','json_schema':"
                                + "{'name':'has space','schema':{}}}}",
                        "response_format.json_schema.name",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'logprobs':true}",
                        "logprobs",
                        InvalidRequestException.UNSUPPORTED_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'logit_bias':{'50256':-100}}",
                        "logit_bias",
                        InvalidRequestException.UNSUPPORTED),
                Arguments.of(
                        "{'model':'m'," + HI + ",'modalities':['text','audio']}",
                        "modalities[1]",
                        InvalidRequestException.UNSUPPORTED_VALUE),
                Arguments.of(
                        "{'model':'m'," + HI + ",'functions':[]}", "functions", InvalidRequestException.UNSUPPORTED));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalid")
    void invalidRequestsNameTheField(String body, String param, String code) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> parse(body));
        assertEquals(param, e.param(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(param), e.getMessage());
    }

    /** What the parser does not read is kept verbatim as extras, never dropped; what it reads is never an extra. */
    @Test
    void membersItDoesNotReadAreKeptVerbatim() {
        dev.caracal.llm.ChatRequest r = ChatCompletionParser.parse(json("{\"model\":\"m\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"user\":\"u-1\","
                        + "\"temperature\":0.5,\"store\":true,\"parallel_tool_calls\":false,"
                        + "\"service_tier\":\"flex\",\"metadata\":{\"run\":\"7\"},"
                        + "\"prediction\":{\"type\":\"content\",\"content\":\"x\"},\"verbosity\":\"low\"}"))
                .request();
        assertEquals("openai", r.extras().format());
        assertEquals(
                java.util.Map.of(
                        "store", "true",
                        "service_tier", "\"flex\"",
                        "metadata", "{\"run\":\"7\"}",
                        "prediction", "{\"type\":\"content\",\"content\":\"x\"}",
                        "verbosity", "\"low\""),
                r.extras().fields());
        assertEquals("u-1", r.metadata().get("user"), "user is read (and carried to every provider in its terms)");
        assertEquals(Boolean.FALSE, r.toolChoice().parallel(), "parallel_tool_calls is read: it crosses formats");
        assertEquals("7", r.metadata().get("run"), "filters still see the metadata");
    }

    @Test
    void aToolsStrictnessIsRead() {
        ChatRequest r = parse(
                        "{'model':'m'," + HI + ",'tools':[{'type':'function','function':{'name':'a',"
                                + "'strict':true,'parameters':{'type':'object'}}},{'type':'function','function':{'name':'b'}}]}")
                .request();
        assertEquals(Boolean.TRUE, r.tools().get(0).strict());
        assertEquals(null, r.tools().get(1).strict(), "not said: the provider's default");
    }
}
