package dev.caracal.gateway.anthropic.http.codec;

import static dev.caracal.gateway.anthropic.http.codec.Trees.json;
import static dev.caracal.gateway.anthropic.http.codec.Trees.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.ToolChoice;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessagesRequestReaderTest {

    private static final String MINIMAL =
            "{'model':'claude-x','max_tokens':16,'messages':[{'role':'user','content':'hi'}]}";

    @Test
    void minimalRequestHasDefaults() {
        ChatRequest r = MessagesRequestReader.read(json(MINIMAL));
        assertEquals("claude-x", r.model());
        assertNull(r.system());
        assertEquals(List.of(Message.user("hi")), r.messages());
        assertEquals(16, r.sampling().maxTokens());
        assertNull(r.sampling().temperature());
        assertNull(r.sampling().topP());
        assertNull(r.sampling().topK());
        assertEquals(ToolChoice.AUTO, r.toolChoice());
        assertTrue(r.tools().isEmpty());
        assertTrue(r.stop().isEmpty());
        assertFalse(r.stream());
        assertTrue(r.metadata().isEmpty());
        assertNull(r.reasoning());
    }

    @Test
    void everyFieldIsTranslated() {
        ChatRequest r = MessagesRequestReader.read(json("""
                {'model':'claude-x','max_tokens':1024,'stream':true,
                 'system':'Be brief.',
                 'temperature':0.25,'top_p':0.9,'top_k':40,
                 'stop_sequences':['END','STOP'],
                 'metadata':{'user_id':'u-42'},
                 'service_tier':'auto',
                 'tools':[{'name':'get_weather','description':'Weather of a city',
                           'input_schema':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']},
                           'cache_control':{'type':'ephemeral'}}],
                 'tool_choice':{'type':'tool','name':'get_weather','disable_parallel_tool_use':true},
                 'messages':[
                   {'role':'user','content':[
                      {'type':'text','text':'What is this?','cache_control':{'type':'ephemeral'}},
                      {'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBORw0KGgo='}},
                      {'type':'image','source':{'type':'url','url':'https://example.org/cat.jpg'}}]},
                   {'role':'assistant','content':[
                      {'type':'text','text':'Let me check.'},
                      {'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Paris'}}]},
                   {'role':'user','content':[
                      {'type':'tool_result','tool_use_id':'toolu_1','content':'18 C'},
                      {'type':'tool_result','tool_use_id':'toolu_2','is_error':true,
                       'content':[{'type':'text','text':'failed'},
                                  {'type':'image','source':{'type':'base64','media_type':'image/jpeg','data':'/9j/'}}]},
                      {'type':'tool_result','tool_use_id':'toolu_3'}]},
                   {'role':'assistant','content':'Prefill'}]}
                """));
        assertEquals("claude-x", r.model());
        assertEquals("Be brief.", r.system());
        assertTrue(r.stream());
        assertEquals(0.25, r.sampling().temperature());
        assertEquals(0.9, r.sampling().topP());
        assertEquals(40, r.sampling().topK());
        assertEquals(1024, r.sampling().maxTokens());
        assertEquals(List.of("END", "STOP"), r.stop());
        assertEquals(Map.of("user", "u-42"), r.metadata());
        assertEquals(1, r.tools().size());
        assertEquals("get_weather", r.tools().get(0).name());
        assertEquals(CacheControl.EPHEMERAL, r.tools().get(0).cacheControl());
        assertEquals("Weather of a city", r.tools().get(0).description());
        assertEquals(
                json("{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}"),
                json(r.tools().get(0).inputSchemaJson()));
        assertEquals(ToolChoice.tool("get_weather").withParallel(false), r.toolChoice());

        assertEquals(4, r.messages().size());
        Message m0 = r.messages().get(0);
        assertEquals(Role.USER, m0.role());
        assertEquals(
                List.of(
                        new ContentPart.Text("What is this?", CacheControl.EPHEMERAL),
                        new ContentPart.Image("image/png", "iVBORw0KGgo=", null),
                        new ContentPart.Image(null, null, "https://example.org/cat.jpg")),
                m0.content());
        Message m1 = r.messages().get(1);
        assertEquals(Role.ASSISTANT, m1.role());
        assertEquals(new ContentPart.Text("Let me check."), m1.content().get(0));
        ContentPart.ToolUse use = (ContentPart.ToolUse) m1.content().get(1);
        assertEquals("toolu_1", use.id());
        assertEquals("get_weather", use.name());
        assertEquals(json("{'city':'Paris'}"), json(use.argumentsJson()));
        Message m2 = r.messages().get(2);
        assertEquals(Role.USER, m2.role());
        assertEquals(
                new ContentPart.ToolResult("toolu_1", List.of(new ContentPart.Text("18 C")), false),
                m2.content().get(0));
        assertEquals(
                new ContentPart.ToolResult(
                        "toolu_2",
                        List.of(new ContentPart.Text("failed"), new ContentPart.Image("image/jpeg", "/9j/", null)),
                        true),
                m2.content().get(1));
        assertEquals(
                new ContentPart.ToolResult("toolu_3", List.of(), false),
                m2.content().get(2));
        assertEquals(Message.assistant("Prefill"), r.messages().get(3));
    }

    @Test
    void systemBlocksAreJoined() {
        ChatRequest r = MessagesRequestReader.read(
                with(
                        "system",
                        "[{'type':'text','text':'You are terse.'},{'type':'text','text':'Answer in French.','cache_control':{'type':'ephemeral'}}]"));
        assertEquals("You are terse.\n\nAnswer in French.", r.system());
        assertNull(MessagesRequestReader.read(with("system", "''")).system());
        assertNull(MessagesRequestReader.read(with("system", "[]")).system());
    }

    @Test
    void toolChoiceModes() {
        String tools = "[{'name':'t','input_schema':{'type':'object'}}]";
        assertEquals(
                ToolChoice.AUTO,
                read("tools", tools, "tool_choice", "{'type':'auto'}").toolChoice());
        assertEquals(
                ToolChoice.REQUIRED,
                read("tools", tools, "tool_choice", "{'type':'any'}").toolChoice());
        assertEquals(
                ToolChoice.NONE,
                read("tools", tools, "tool_choice", "{'type':'none'}").toolChoice());
        assertEquals(
                ToolChoice.tool("t"),
                read("tools", tools, "tool_choice", "{'type':'tool','name':'t'}")
                        .toolChoice());
        assertEquals(
                "{\"type\":\"object\"}", read("tools", tools).tools().get(0).inputSchemaJson());
        assertNull(read("tools", tools).tools().get(0).description());
        assertEquals(
                "t",
                read("tools", "[{'type':'custom','name':'t','input_schema':{'type':'object'}}]")
                        .tools()
                        .get(0)
                        .name());
    }

    @Test
    void boundariesAreAccepted() {
        ChatRequest r = read("temperature", "0", "top_p", "1", "top_k", "1");
        assertEquals(0.0, r.sampling().temperature());
        assertEquals(1.0, r.sampling().topP());
        assertEquals(1, r.sampling().topK());
        assertEquals(1.0, read("temperature", "1.0").sampling().temperature());
        assertEquals(1, read("max_tokens", "1").sampling().maxTokens());
        assertNull(read("temperature", "null").sampling().temperature());
        assertEquals(ToolChoice.AUTO, read("thinking", "{'type':'disabled'}").toolChoice());
    }

    @Test
    void enabledThinkingIsAReasoningBudget() {
        assertEquals(
                Reasoning.budget(2048),
                read("max_tokens", "4096", "thinking", "{'type':'enabled','budget_tokens':2048}")
                        .reasoning());
        assertEquals(
                Reasoning.budget(1024),
                read("max_tokens", "1025", "thinking", "{'type':'enabled','budget_tokens':1024}")
                        .reasoning(),
                "the smallest budget, one below max_tokens");
        assertEquals(
                Reasoning.budget(10_000),
                read(
                                "max_tokens",
                                "32000",
                                "thinking",
                                "{'type':'enabled','budget_tokens':10000,'display':'summarized'}")
                        .reasoning());
        assertEquals(
                4096,
                read("max_tokens", "4096", "thinking", "{'type':'enabled','budget_tokens':2048}")
                        .sampling()
                        .maxTokens(),
                "max_tokens is passed on as it is");
    }

    @Test
    void disabledThinkingTurnsReasoningOffAndAbsentThinkingAsksForNothing() {
        assertEquals(
                dev.caracal.llm.Reasoning.OFF,
                read("thinking", "{'type':'disabled'}").reasoning());
        assertNull(read("thinking", "null").reasoning());
        assertNull(MessagesRequestReader.read(json(MINIMAL)).reasoning());
    }

    @Test
    void thinkingBlocksOfAssistantTurnsAreKeptInOrder() {
        ChatRequest r = MessagesRequestReader.read(with("messages", """
                [{'role':'user','content':'Weather in Paris?'},
                 {'role':'assistant','content':[
                    {'type':'thinking','thinking':'The user wants the weather.','signature':'EqQBCkYIBxgCKkB+sig=='},
                    {'type':'redacted_thinking','data':'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP'},
                    {'type':'text','text':'Let me check.'},
                    {'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Paris'}}]},
                 {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'18 C'}]},
                 {'role':'assistant','content':[
                    {'type':'thinking','thinking':'','signature':'omitted-display-sig'},
                    {'type':'thinking','thinking':'Reasoning another provider gave','signature':''},
                    {'type':'text','text':'It is 18 C.'}]}]
                """));
        assertEquals(
                List.of(
                        new ContentPart.Thinking("The user wants the weather.", "EqQBCkYIBxgCKkB+sig=="),
                        new ContentPart.RedactedThinking(
                                "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"),
                        new ContentPart.Text("Let me check."),
                        new ContentPart.ToolUse("toolu_1", "get_weather", "{\"city\":\"Paris\"}")),
                r.messages().get(1).content());
        assertEquals(
                List.of(
                        new ContentPart.Thinking("", "omitted-display-sig"),
                        new ContentPart.Thinking("Reasoning another provider gave", null),
                        new ContentPart.Text("It is 18 C.")),
                r.messages().get(3).content(),
                "an empty signature (what this ingress writes for unsigned thinking) is none");
    }

    @Test
    void anAssistantTurnOfThinkingOnlyIsNotEmpty() {
        ChatRequest r = MessagesRequestReader.read(with(
                "messages",
                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'redacted_thinking','data':'xyz'}]},"
                        + "{'role':'user','content':'b'}]"));
        assertEquals(
                List.of(new ContentPart.RedactedThinking("xyz")),
                r.messages().get(1).content());
    }

    @Test
    void messagesNeedNotAlternateNorStartWithUser() {
        ChatRequest r = MessagesRequestReader.read(
                with(
                        "messages",
                        "[{'role':'assistant','content':'Earlier answer'},{'role':'user','content':'a'},{'role':'user','content':'b'}]"));
        assertEquals(3, r.messages().size());
        assertEquals(Role.ASSISTANT, r.messages().get(0).role());
    }

    @Test
    void finalAssistantMessageMayBeEmpty() {
        ChatRequest r = MessagesRequestReader.read(
                with("messages", "[{'role':'user','content':'a'},{'role':'assistant','content':[]}]"));
        assertTrue(r.messages().get(1).content().isEmpty());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(without("model"), "model: Field required"),
                Arguments.of(with("model", "''"), "model: must not be empty"),
                Arguments.of(with("model", "7"), "model: Input should be a valid string"),
                Arguments.of(without("max_tokens"), "max_tokens: Field required"),
                Arguments.of(with("max_tokens", "0"), "max_tokens: Input should be greater than or equal to 1"),
                Arguments.of(with("max_tokens", "-5"), "max_tokens: Input should be greater than or equal to 1"),
                Arguments.of(with("max_tokens", "1.5"), "max_tokens: Input should be a valid integer"),
                Arguments.of(with("max_tokens", "'10'"), "max_tokens: Input should be a valid integer"),
                Arguments.of(
                        with("max_tokens", "99999999999"),
                        "max_tokens: Input should be less than or equal to 2147483647"),
                Arguments.of(without("messages"), "messages: Field required"),
                Arguments.of(with("messages", "[]"), "messages: at least one message is required"),
                Arguments.of(with("messages", "{}"), "messages: Input should be a valid list"),
                Arguments.of(with("messages", "['hi']"), "messages.0: Input should be an object"),
                Arguments.of(with("messages", "[{'content':'hi'}]"), "messages.0.role: Field required"),
                Arguments.of(
                        with("messages", "[{'role':'tool','content':'hi'}]"),
                        "messages.0.role: Input should be 'user' or 'assistant'"),
                Arguments.of(
                        with("messages", "[{'role':'system','content':'hi'}]"),
                        "messages.0.role: system-role messages are not supported by this gateway; put system instructions in the top-level 'system' parameter"),
                Arguments.of(with("messages", "[{'role':'user'}]"), "messages.0.content: Field required"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':5}]"),
                        "messages.0.content: Input should be a string or a list of content blocks"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':''}]"),
                        "messages.0: all messages must have non-empty content except for the optional final assistant message"),
                Arguments.of(
                        with("messages", "[{'role':'assistant','content':[]},{'role':'user','content':'x'}]"),
                        "messages.0: all messages must have non-empty content except for the optional final assistant message"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':'a'},{'role':'user','content':[{'text':'x'}]}]"),
                        "messages.1.content.0.type: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'user','content':[{'type':'video'}]}]"),
                        "messages.1.content.0.type: Input tag 'video' does not match any of the expected tags: 'text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':[{'type':'document','source':{}}]}]"),
                        "messages.0.content.0.type: 'document' blocks are not supported by this gateway"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':[{'type':'text'}]}]"),
                        "messages.0.content.0.text: Field required"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':[{'type':'text','text':''}]}]"),
                        "messages.0.content.0.text: text content blocks must be non-empty"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':[{'type':'image'}]}]"),
                        "messages.0.content.0.source: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'image','source':{'type':'base64','media_type':'image/bmp','data':'AA=='}}]}]"),
                        "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'image','source':{'type':'base64','media_type':'image/png'}}]}]"),
                        "messages.0.content.0.source.data: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'image','source':{'type':'url','url':'ftp://x/y.png'}}]}]"),
                        "messages.0.content.0.source.url: must be an http or https URL"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'image','source':{'type':'file','file_id':'f'}}]}]"),
                        "messages.0.content.0.source.type: file sources (Files API) are not supported by this gateway"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':[{'type':'image','source':{'type':'blob'}}]}]"),
                        "messages.0.content.0.source.type: Input tag 'blob' does not match any of the expected tags: 'base64', 'url'"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'image','source':{'type':'url','url':'https://x/y.png'}}]}]"),
                        "messages.1.content.0.type: image blocks are only allowed in user messages"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'tool_use','id':'t','name':'n','input':{}}]}]"),
                        "messages.0.content.0.type: tool_use blocks are only allowed in assistant messages"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'tool_use','name':'n','input':{}}]}]"),
                        "messages.1.content.0.id: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'tool_use','id':'t','input':{}}]}]"),
                        "messages.1.content.0.name: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'n'}]}]"),
                        "messages.1.content.0.input: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'n','input':[1]}]}]"),
                        "messages.1.content.0.input: Input should be an object"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'tool_result','tool_use_id':'t'}]}]"),
                        "messages.1.content.0.type: tool_result blocks are only allowed in user messages"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':[{'type':'tool_result'}]}]"),
                        "messages.0.content.0.tool_use_id: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','is_error':'yes'}]}]"),
                        "messages.0.content.0.is_error: Input should be a valid boolean"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':7}]}]"),
                        "messages.0.content.0.content: Input should be a string or a list of content blocks"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':[{'type':'document'}]}]}]"),
                        "messages.0.content.0.content.0.type: 'document' blocks are not supported in tool results by this gateway; use 'text' or 'image'"),
                Arguments.of(with("system", "5"), "system: Input should be a string or an array of text blocks"),
                Arguments.of(with("system", "[{'type':'image'}]"), "system.0.type: Input should be 'text'"),
                Arguments.of(
                        with("system", "[{'type':'text','text':''}]"),
                        "system.0.text: text content blocks must be non-empty"),
                Arguments.of(
                        with("temperature", "1.5"),
                        "temperature: Input should be between 0 and 1 (inclusive), got 1.5"),
                Arguments.of(
                        with("temperature", "-0.1"),
                        "temperature: Input should be between 0 and 1 (inclusive), got -0.1"),
                Arguments.of(with("temperature", "'hot'"), "temperature: Input should be a valid number"),
                Arguments.of(with("top_p", "2"), "top_p: Input should be between 0 and 1 (inclusive), got 2"),
                Arguments.of(with("top_k", "0"), "top_k: Input should be greater than or equal to 1"),
                Arguments.of(with("top_k", "2.5"), "top_k: Input should be a valid integer"),
                Arguments.of(with("stop_sequences", "'END'"), "stop_sequences: Input should be a valid list"),
                Arguments.of(with("stop_sequences", "['END',3]"), "stop_sequences.1: Input should be a valid string"),
                Arguments.of(
                        with("stop_sequences", "[' ']"),
                        "stop_sequences.0: stop sequences must contain non-whitespace"),
                Arguments.of(with("stream", "'yes'"), "stream: Input should be a valid boolean"),
                Arguments.of(with("metadata", "'u'"), "metadata: Input should be an object"),
                Arguments.of(with("metadata", "{'user_id':5}"), "metadata.user_id: Input should be a valid string"),
                Arguments.of(with("metadata", "{'session':'s'}"), "metadata.session: Extra inputs are not permitted"),
                Arguments.of(with("tools", "{}"), "tools: Input should be a valid list"),
                Arguments.of(with("tools", "[{'input_schema':{'type':'object'}}]"), "tools.0.name: Field required"),
                Arguments.of(
                        with("tools", "[{'name':'bad name','input_schema':{'type':'object'}}]"),
                        "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"),
                Arguments.of(with("tools", "[{'name':'t'}]"), "tools.0.input_schema: Field required"),
                Arguments.of(
                        with("tools", "[{'name':'t','input_schema':'object'}]"),
                        "tools.0.input_schema: Input should be a JSON schema object"),
                Arguments.of(
                        with("tools", "[{'name':'t','input_schema':{'type':'string'}}]"),
                        "tools.0.input_schema.type: Input should be 'object'"),
                Arguments.of(
                        with(
                                "tools",
                                "[{'name':'t','input_schema':{'type':'object'}},{'name':'t','input_schema':{'type':'object'}}]"),
                        "tools: Tool names must be unique; 't' appears twice"),
                Arguments.of(
                        with("tools", "[{'type':'web_search_20250305','name':'web_search'}]"),
                        "tools.0.type: server tools ('web_search_20250305') are not supported by this gateway; only custom tools (type 'custom' or absent) are"),
                Arguments.of(
                        with("tools", "[{'name':'t','description':1,'input_schema':{'type':'object'}}]"),
                        "tools.0.description: Input should be a valid string"),
                Arguments.of(with("tool_choice", "'auto'"), "tool_choice: Input should be an object"),
                Arguments.of(
                        with("tool_choice", "{'type':'sometimes'}"),
                        "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"),
                Arguments.of(with("tool_choice", "{'type':'any'}"), "tool_choice: tool_choice 'any' requires 'tools'"),
                Arguments.of(with("tool_choice", "{'type':'tool'}"), "tool_choice.name: Field required"),
                Arguments.of(
                        with("tool_choice", "{'type':'tool','name':'missing'}"),
                        "tool_choice.name: no tool named 'missing' is defined in 'tools'"),
                Arguments.of(
                        with("tool_choice", "{'type':'auto','disable_parallel_tool_use':'no'}"),
                        "tool_choice.disable_parallel_tool_use: Input should be a valid boolean"),
                Arguments.of(with("thinking", "'enabled'"), "thinking: Input should be an object"),
                Arguments.of(with("thinking", "{'budget_tokens':2048}"), "thinking.type: Field required"),
                Arguments.of(with("thinking", "{'type':true}"), "thinking.type: Input should be a valid string"),
                Arguments.of(
                        with("thinking", "{'type':'on'}"),
                        "thinking.type: Input tag 'on' does not match any of the expected tags: 'enabled', 'disabled'"),
                Arguments.of(
                        with("thinking", "{'type':'adaptive'}"),
                        "thinking.type: 'adaptive' thinking is not supported by this gateway; use 'enabled' (with budget_tokens) or 'disabled'"),
                Arguments.of(thinking(4096, "{'type':'enabled'}"), "thinking.budget_tokens: Field required"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':null}"),
                        "thinking.budget_tokens: Field required"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':'2048'}"),
                        "thinking.budget_tokens: Input should be a valid integer"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':2048.5}"),
                        "thinking.budget_tokens: Input should be a valid integer"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':1023}"),
                        "thinking.budget_tokens: Input should be greater than or equal to 1024"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':-99999999999}"),
                        "thinking.budget_tokens: Input should be greater than or equal to 1024"),
                Arguments.of(
                        thinking(2048, "{'type':'enabled','budget_tokens':2048}"),
                        "thinking.budget_tokens: must be less than max_tokens (budget_tokens 2048, max_tokens 2048): the thinking counts within max_tokens"),
                Arguments.of(
                        with("thinking", "{'type':'enabled','budget_tokens':1024}"),
                        "thinking.budget_tokens: must be less than max_tokens (budget_tokens 1024, max_tokens 16): the thinking counts within max_tokens"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':99999999999}"),
                        "thinking.budget_tokens: must be less than max_tokens (budget_tokens 99999999999, max_tokens 4096): the thinking counts within max_tokens"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':2048,'display':'omitted'}"),
                        "thinking.display: display 'omitted' is not supported by this gateway; omit 'display' or set it to 'summarized'"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':2048,'display':'full'}"),
                        "thinking.display: Input should be 'summarized' or 'omitted'"),
                Arguments.of(
                        thinking(4096, "{'type':'enabled','budget_tokens':2048,'effort':'high'}"),
                        "thinking.effort: Extra inputs are not permitted"),
                Arguments.of(
                        with("thinking", "{'type':'disabled','budget_tokens':2048}"),
                        "thinking.budget_tokens: Extra inputs are not permitted"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'thinking','thinking':'t','signature':'s'}]}]"),
                        "messages.0.content.0.type: thinking blocks are only allowed in assistant messages"),
                Arguments.of(
                        with("messages", "[{'role':'user','content':[{'type':'redacted_thinking','data':'d'}]}]"),
                        "messages.0.content.0.type: redacted_thinking blocks are only allowed in assistant messages"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'thinking','signature':'s'}]}]"),
                        "messages.1.content.0.thinking: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'thinking','thinking':'t'}]}]"),
                        "messages.1.content.0.signature: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'text','text':'x'},{'type':'thinking','thinking':'t','signature':7}]}]"),
                        "messages.1.content.1.signature: Input should be a valid string"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'thinking','thinking':['t'],'signature':'s'}]}]"),
                        "messages.1.content.0.thinking: Input should be a valid string"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'redacted_thinking'}]}]"),
                        "messages.1.content.0.data: Field required"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'a'},{'role':'assistant','content':[{'type':'redacted_thinking','data':{}}]}]"),
                        "messages.1.content.0.data: Input should be a valid string"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':[{'type':'thinking','thinking':'t','signature':'s'}]}]}]"),
                        "messages.0.content.0.content.0.type: 'thinking' blocks are not supported in tool results by this gateway; use 'text' or 'image'"));
    }

    /**
     * A top-level member the reader does not model is kept verbatim, for an Anthropic provider to send upstream (where
     * the API itself takes or refuses it) and for another to refuse by name: never dropped, never refused here.
     */
    @Test
    void topLevelMembersItDoesNotModelAreKeptVerbatim() {
        ObjectNode body = with("mcp_servers", "[{'type':'url','url':'https://mcp.example/sse','name':'ex'}]");
        body.set("frequency_penalty", json("0.5"));
        body.set("service_tier", json("'auto'"));
        ChatRequest r = MessagesRequestReader.read(body);
        assertEquals("anthropic", r.extras().format());
        assertEquals(
                Map.of(
                        "frequency_penalty", "0.5",
                        "mcp_servers", "[{\"type\":\"url\",\"url\":\"https://mcp.example/sse\",\"name\":\"ex\"}]",
                        "service_tier", "\"auto\""),
                r.extras().fields());
        assertEquals(Map.of(), MessagesRequestReader.read(obj(MINIMAL)).extras().fields());
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void invalidRequestsNameTheField(ObjectNode body, String message) {
        AnthropicError e = assertThrows(AnthropicError.class, () -> MessagesRequestReader.read(body));
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals(message, e.getMessage());
    }

    @Test
    void nonObjectBodyIsRejected() {
        AnthropicError e = assertThrows(AnthropicError.class, () -> MessagesRequestReader.read(json("[1]")));
        assertEquals("the request body must be a JSON object", e.getMessage());
    }

    private static ObjectNode with(String field, String valueJson) {
        ObjectNode body = obj(MINIMAL);
        body.set(field, json(valueJson));
        return body;
    }

    /** {@code MINIMAL} with {@code max_tokens} and {@code thinking}. */
    private static ObjectNode thinking(int maxTokens, String thinkingJson) {
        ObjectNode body = with("thinking", thinkingJson);
        body.put("max_tokens", maxTokens);
        return body;
    }

    private static ObjectNode without(String field) {
        ObjectNode body = obj(MINIMAL);
        body.remove(field);
        return body;
    }

    private static ChatRequest read(String... fieldsAndValues) {
        ObjectNode body = obj(MINIMAL);
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            body.set(fieldsAndValues[i], json(fieldsAndValues[i + 1]));
        }
        return MessagesRequestReader.read(body);
    }

    @Test
    void aToolsStrictnessIsRead() {
        ObjectNode body = with(
                "tools",
                "[{'name':'a','strict':true,'input_schema':{'type':'object'}},"
                        + "{'name':'b','input_schema':{'type':'object'}}]");
        ChatRequest r = MessagesRequestReader.read(body);
        assertEquals(Boolean.TRUE, r.tools().get(0).strict());
        assertNull(r.tools().get(1).strict());
    }
}
