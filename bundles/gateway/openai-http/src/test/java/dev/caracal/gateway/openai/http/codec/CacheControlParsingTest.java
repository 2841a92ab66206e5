package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenAI-format clients of Claude (the LiteLLM/OpenRouter convention) put Anthropic's {@code cache_control} on a
 * message's content parts and on tools: each marker is read onto the part or tool it was on, and a malformed one is a
 * 400 naming its path.
 */
class CacheControlParsingTest {
    private static final CacheControl EPHEMERAL = CacheControl.EPHEMERAL;
    private static final CacheControl HOUR = new CacheControl("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");

    private static ChatRequest parse(String body) {
        return ChatCompletionParser.parse(json(body)).request();
    }

    @Test
    void userTextAndImagePartsKeepTheirMarkers() {
        ChatRequest r = parse("""
                {'model':'claude-x','messages':[{'role':'user','content':[
                  {'type':'text','text':'The catalogue follows.','cache_control':{'type':'ephemeral'}},
                  {'type':'image_url','image_url':{'url':'https://example.org/c.png'},
                   'cache_control':{'type':'ephemeral','ttl':'1h'}},
                  {'type':'text','text':'Find Dune.'}]}]}
                """);
        assertEquals(
                List.of(
                        new ContentPart.Text("The catalogue follows.", EPHEMERAL),
                        new ContentPart.Image(null, null, "https://example.org/c.png", null, HOUR),
                        new ContentPart.Text("Find Dune.")),
                r.messages().get(0).content());
    }

    @Test
    void aSystemMessageIsOneBlockSplitAfterEachMarkedPart() {
        ChatRequest r = parse("""
                {'model':'claude-x','messages':[
                  {'role':'system','content':[{'type':'text','text':'You are '},
                     {'type':'text','text':'a librarian.','cache_control':{'type':'ephemeral','ttl':'1h'}},
                     {'type':'text','text':'Be brief.'}]},
                  {'role':'developer','content':'Answer in French.'},
                  {'role':'user','content':'hi'}]}
                """);
        assertEquals(
                List.of(
                        new ContentPart.Text("You are a librarian.", HOUR),
                        new ContentPart.Text("Be brief."),
                        new ContentPart.Text("Answer in French.")),
                r.systemBlocks());
        assertEquals("You are a librarian.\n\nBe brief.\n\nAnswer in French.", r.system());
    }

    @Test
    void withoutMarkersTheSystemTextIsWhatItWas() {
        ChatRequest r = parse("""
                {'model':'m','messages':[
                  {'role':'system','content':[{'type':'text','text':'One '},{'type':'text','text':'part.'}]},
                  {'role':'system','content':'Two.'},
                  {'role':'user','content':'hi'}]}
                """);
        assertEquals("One part.\n\nTwo.", r.system());
        assertEquals(List.of(new ContentPart.Text("One part."), new ContentPart.Text("Two.")), r.systemBlocks());
    }

    @Test
    void assistantAndToolMessagesKeepTheirMarkedParts() {
        ChatRequest r = parse("""
                {'model':'claude-x','messages':[
                  {'role':'user','content':'Find Dune.'},
                  {'role':'assistant','content':[{'type':'text','text':'Looking','cache_control':{'type':'ephemeral'}},
                     {'type':'text','text':' it up.'}],
                   'tool_calls':[{'id':'call_1','type':'function','function':{'name':'lookup','arguments':'{}'}}]},
                  {'role':'tool','tool_call_id':'call_1','content':[
                     {'type':'text','text':'shelf 4','cache_control':{'type':'ephemeral'}}]}]}
                """);
        Message assistant = r.messages().get(1);
        assertEquals(
                new ContentPart.Text("Looking", EPHEMERAL), assistant.content().get(0));
        assertEquals(new ContentPart.Text(" it up."), assistant.content().get(1));
        assertEquals("Looking it up.", assistant.text());
        assertEquals(
                new Message(
                        Role.TOOL,
                        List.of(new ContentPart.ToolResult(
                                "call_1", List.of(new ContentPart.Text("shelf 4", EPHEMERAL)), false))),
                r.messages().get(2));
    }

    @Test
    void aToolsMarkerBesideItsFunctionIsRead() {
        ChatRequest r = parse("""
                {'model':'claude-x','messages':[{'role':'user','content':'hi'}],'tools':[
                  {'type':'function','function':{'name':'lookup'}},
                  {'type':'function','function':{'name':'shelve'},'cache_control':{'type':'ephemeral'}}]}
                """);
        assertNull(r.tools().get(0).cacheControl());
        assertEquals(EPHEMERAL, r.tools().get(1).cacheControl());
    }

    static Stream<Arguments> badMarkers() {
        return Stream.of(
                Arguments.of(
                        "{'role':'user','content':[{'type':'text','text':'a','cache_control':'ephemeral'}]}",
                        "messages[0].content[0].cache_control",
                        InvalidRequestException.INVALID_TYPE),
                Arguments.of(
                        "{'role':'user','content':[{'type':'image_url','image_url':{'url':'https://x.org/a.png'},"
                                + "'cache_control':{}}]}",
                        "messages[0].content[0].cache_control.type",
                        InvalidRequestException.MISSING),
                Arguments.of(
                        "{'role':'system','content':[{'type':'text','text':'a','cache_control':{'type':''}}]}",
                        "messages[0].content[0].cache_control.type",
                        InvalidRequestException.INVALID_VALUE),
                Arguments.of(
                        "{'role':'user','content':[{'type':'text','text':'a',"
                                + "'cache_control':{'type':'ephemeral','ttl':60}}]}",
                        "messages[0].content[0].cache_control.ttl",
                        InvalidRequestException.INVALID_TYPE));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badMarkers")
    void aBadMarkerIsRefusedByItsPath(String message, String param, String code) {
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> parse("{'model':'m','messages':[" + message + ",{'role':'user','content':'hi'}]}"));
        assertEquals(param, e.param(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
        InvalidRequestException tool = assertThrows(
                InvalidRequestException.class,
                () -> parse("{'model':'m','messages':[{'role':'user','content':'hi'}],"
                        + "'tools':[{'type':'function','function':{'name':'t'},'cache_control':[1]}]}"));
        assertEquals("tools[0].cache_control", tool.param());
    }
}
