package dev.caracal.gateway.anthropic.http.codec;

import static dev.caracal.gateway.anthropic.http.codec.Trees.json;
import static dev.caracal.gateway.anthropic.http.codec.Trees.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Anthropic's prompt-cache breakpoints ({@code cache_control}) are read on the very block or tool they were on, as
 * the client wrote them, and a malformed one is a 400 naming its path.
 */
class CacheControlReadingTest {
    private static final CacheControl HOUR = new CacheControl("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");
    private static final CacheControl EPHEMERAL = CacheControl.EPHEMERAL;

    private static final String REQUEST = """
            {'model':'claude-x','max_tokens':64,
             'system':[{'type':'text','text':'You are a librarian.','cache_control':{'type':'ephemeral','ttl':'1h'}},
                       {'type':'text','text':'Answer briefly.'}],
             'tools':[{'name':'lookup','input_schema':{'type':'object'}},
                      {'name':'shelve','input_schema':{'type':'object'},'cache_control':{'type':'ephemeral'}}],
             'messages':[
               {'role':'user','content':[
                  {'type':'text','text':'The catalogue follows.','cache_control':{'type':'ephemeral'}},
                  {'type':'image','source':{'type':'url','url':'https://example.org/c.png'},
                   'cache_control':{'type':'ephemeral'}},
                  {'type':'text','text':'Find Dune.'}]},
               {'role':'assistant','content':[
                  {'type':'tool_use','id':'toolu_1','name':'lookup','input':{'q':'Dune'},
                   'cache_control':{'type':'ephemeral'}}]},
               {'role':'user','content':[
                  {'type':'tool_result','tool_use_id':'toolu_1','cache_control':{'type':'ephemeral'},
                   'content':[{'type':'text','text':'shelf 4','cache_control':{'type':'ephemeral','ttl':'1h'}},
                              {'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBO'},
                               'cache_control':{'type':'ephemeral'}}]}]}]}
            """;

    @Test
    void eachMarkerIsReadWhereItWas() {
        ChatRequest r = MessagesRequestReader.read(json(REQUEST));
        assertEquals(
                List.of(new ContentPart.Text("You are a librarian.", HOUR), new ContentPart.Text("Answer briefly.")),
                r.systemBlocks());
        assertEquals("You are a librarian.\n\nAnswer briefly.", r.system());
        assertNull(r.tools().get(0).cacheControl());
        assertEquals(EPHEMERAL, r.tools().get(1).cacheControl());
        assertEquals(
                List.of(
                        new ContentPart.Text("The catalogue follows.", EPHEMERAL),
                        new ContentPart.Image(null, null, "https://example.org/c.png", null, EPHEMERAL),
                        new ContentPart.Text("Find Dune.")),
                r.messages().get(0).content());
        assertEquals(
                new ContentPart.ToolUse("toolu_1", "lookup", "{\"q\":\"Dune\"}", EPHEMERAL),
                r.messages().get(1).content().get(0));
        assertEquals(
                new ContentPart.ToolResult(
                        "toolu_1",
                        List.of(
                                new ContentPart.Text("shelf 4", HOUR),
                                new ContentPart.Image("image/png", "iVBO", null, null, EPHEMERAL)),
                        false,
                        EPHEMERAL),
                r.messages().get(2).content().get(0));
    }

    @Test
    void aMarkerIsKeptVerbatimWithWhatAnthropicAddsLater() {
        ChatRequest r = MessagesRequestReader.read(with(
                "system",
                "[{'type':'text','text':'s','cache_control':{'type':'ephemeral','ttl':'5m','scope':{'n':2}}}]"));
        assertEquals(
                "{\"type\":\"ephemeral\",\"ttl\":\"5m\",\"scope\":{\"n\":2}}",
                r.systemBlocks().get(0).cacheControl().json());
    }

    @Test
    void aSystemStringIsOneBlockWithoutAMarker() {
        ChatRequest r = MessagesRequestReader.read(with("system", "'Be brief.'"));
        assertEquals(List.of(new ContentPart.Text("Be brief.")), r.systemBlocks());
        assertEquals(List.of(), MessagesRequestReader.read(with("system", "''")).systemBlocks());
    }

    static Stream<Arguments> badMarkers() {
        return Stream.of(
                Arguments.of(
                        with("system", "[{'type':'text','text':'s','cache_control':'ephemeral'}]"),
                        "system.0.cache_control: Input should be an object"),
                Arguments.of(
                        with("tools", "[{'name':'t','input_schema':{'type':'object'},'cache_control':{}}]"),
                        "tools.0.cache_control.type: Field required"),
                Arguments.of(
                        message("{'type':'text','text':'hi','cache_control':{'type':7}}"),
                        "messages.0.content.1.cache_control.type: Input should be a valid string"),
                Arguments.of(
                        message("{'type':'text','text':'hi','cache_control':{'type':''}}"),
                        "messages.0.content.1.cache_control.type: must not be empty"),
                Arguments.of(
                        message("{'type':'image','source':{'type':'url','url':'https://x.org/a.png'},"
                                + "'cache_control':{'type':'ephemeral','ttl':3600}}"),
                        "messages.0.content.1.cache_control.ttl: Input should be a valid string"),
                Arguments.of(
                        message("{'type':'tool_result','tool_use_id':'t','cache_control':[1]}"),
                        "messages.0.content.1.cache_control: Input should be an object"),
                Arguments.of(
                        message("{'type':'tool_result','tool_use_id':'t',"
                                + "'content':[{'type':'text','text':'r','cache_control':true}]}"),
                        "messages.0.content.1.content.0.cache_control: Input should be an object"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'hi'},{'role':'assistant','content':[{'type':'thinking',"
                                        + "'thinking':'t','signature':'s','cache_control':{'type':'ephemeral'}}]}]"),
                        "messages.1.content.0.cache_control: thinking blocks cannot be marked with cache_control;"
                                + " mark a block before or after it"),
                Arguments.of(
                        with(
                                "messages",
                                "[{'role':'user','content':'hi'},{'role':'assistant','content':[{'type':"
                                        + "'redacted_thinking','data':'d','cache_control':{'type':'ephemeral'}}]}]"),
                        "messages.1.content.0.cache_control: redacted_thinking blocks cannot be marked with"
                                + " cache_control; mark a block before or after it"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badMarkers")
    void aBadMarkerIsRefusedByItsPath(ObjectNode body, String message) {
        AnthropicError e = assertThrows(AnthropicError.class, () -> MessagesRequestReader.read(body));
        assertEquals(400, e.status());
        assertEquals(message, e.getMessage());
    }

    private static ObjectNode with(String field, String valueJson) {
        ObjectNode body = obj("{'model':'claude-x','max_tokens':16,'messages':[{'role':'user','content':'hi'}]}");
        body.set(field, json(valueJson));
        return body;
    }

    /** A request of one user message: a text block, then {@code block}. */
    private static ObjectNode message(String block) {
        return with("messages", "[{'role':'user','content':[{'type':'text','text':'first'}," + block + "]}]");
    }
}
