package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.ResponseFormat;
import dev.caracal.llm.Role;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.testkit.ChatRequests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each prompt-cache breakpoint goes upstream on the very block or tool the client put it on, byte for byte, through
 * the merging of turns; the body is compared as the JSON that is written, since markers are written raw.
 */
class CacheMarkersMappingTest {
    private static final CacheControl EPHEMERAL = CacheControl.EPHEMERAL;
    private static final CacheControl HOUR = new CacheControl("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");

    private final RequestMapper mapper = new RequestMapper(4096, "claude");

    private static JsonNode json(String singleQuoted) {
        JsonNode node = Json.tryParse(singleQuoted.replace('\'', '"'));
        if (node == null) {
            throw new IllegalArgumentException("bad test JSON: " + singleQuoted);
        }
        return node;
    }

    /** The body as it goes on the wire. */
    private JsonNode sent(ChatRequest request) {
        return Json.tryParse(Json.write(mapper.toBody(request, false)));
    }

    @Test
    void markedSystemBlocksGoAsBlocksEachWithItsOwnMarker() {
        ChatRequest request = ChatRequests.to("claude-x")
                .systemBlocks(
                        new ContentPart.Text("You are a librarian.", HOUR),
                        new ContentPart.Text("Today is Monday."),
                        new ContentPart.Text("The catalogue: ...", EPHEMERAL))
                .user("hi")
                .build();
        assertEquals(json("""
                        [{'type':'text','text':'You are a librarian.','cache_control':{'type':'ephemeral','ttl':'1h'}},
                         {'type':'text','text':'Today is Monday.'},
                         {'type':'text','text':'The catalogue: ...','cache_control':{'type':'ephemeral'}}]
                        """), sent(request).get("system"));
    }

    @Test
    void unmarkedSystemBlocksStayOneString() {
        ChatRequest request = ChatRequests.to("claude-x")
                .systemBlocks(new ContentPart.Text("One."), new ContentPart.Text("Two."))
                .user("hi")
                .build();
        assertEquals(json("'One.\\n\\nTwo.'"), sent(request).get("system"));
    }

    @Test
    void eachMarkerStaysOnItsBlockThroughMergedTurns() {
        List<Message> messages = List.of(
                new Message(
                        Role.USER,
                        List.of(
                                new ContentPart.Text("The catalogue follows.", EPHEMERAL),
                                new ContentPart.Image(null, null, "data:image/png;base64,UE5H", null, HOUR))),
                new Message(Role.USER, List.of(new ContentPart.Text("Find Dune."))),
                new Message(
                        Role.ASSISTANT,
                        List.of(
                                new ContentPart.Text("Looking."),
                                new ContentPart.ToolUse("toolu_1", "lookup", "{\"q\":\"Dune\"}", EPHEMERAL))),
                new Message(
                        Role.TOOL,
                        List.of(new ContentPart.ToolResult(
                                "toolu_1", List.of(new ContentPart.Text("shelf 4")), false, EPHEMERAL))),
                new Message(Role.USER, List.of(new ContentPart.Text("Which floor?", HOUR))));
        ChatRequest request = ChatRequests.to("claude-x")
                .messages(messages)
                .tools(
                        new ToolDefinition("lookup", null, "{\"type\":\"object\"}"),
                        new ToolDefinition("shelve", null, "{\"type\":\"object\"}", null, EPHEMERAL))
                .build();
        JsonNode body = sent(request);
        assertEquals(json("""
                        [{'role':'user','content':[
                           {'type':'text','text':'The catalogue follows.','cache_control':{'type':'ephemeral'}},
                           {'type':'image','source':{'type':'base64','media_type':'image/png','data':'UE5H'},
                            'cache_control':{'type':'ephemeral','ttl':'1h'}},
                           {'type':'text','text':'Find Dune.'}]},
                         {'role':'assistant','content':[
                           {'type':'text','text':'Looking.'},
                           {'type':'tool_use','id':'toolu_1','name':'lookup','input':{'q':'Dune'},
                            'cache_control':{'type':'ephemeral'}}]},
                         {'role':'user','content':[
                           {'type':'tool_result','tool_use_id':'toolu_1','content':'shelf 4',
                            'cache_control':{'type':'ephemeral'}},
                           {'type':'text','text':'Which floor?','cache_control':{'type':'ephemeral','ttl':'1h'}}]}]
                        """), body.get("messages"));
        assertEquals(json("""
                        [{'name':'lookup','input_schema':{'type':'object'}},
                         {'name':'shelve','input_schema':{'type':'object'},'cache_control':{'type':'ephemeral'}}]
                        """), body.get("tools"));
    }

    @Test
    void aMarkedSingleTextIsABlockNotAString() {
        ChatRequest request = ChatRequests.to("claude-x")
                .messages(new Message(Role.USER, List.of(new ContentPart.Text("hi", EPHEMERAL))))
                .build();
        assertEquals(
                json("[{'role':'user','content':[{'type':'text','text':'hi','cache_control':{'type':'ephemeral'}}]}]"),
                sent(request).get("messages"));
    }

    @Test
    void aToolResultWithMarkedPartsGoesAsBlocks() {
        ChatRequest request = ChatRequests.to("claude-x")
                .messages(new Message(
                        Role.TOOL,
                        List.of(new ContentPart.ToolResult(
                                "toolu_1",
                                List.of(new ContentPart.Text("part one"), new ContentPart.Text("part two", HOUR)),
                                true))))
                .build();
        assertEquals(json("""
                        [{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':[
                           {'type':'text','text':'part one'},
                           {'type':'text','text':'part two','cache_control':{'type':'ephemeral','ttl':'1h'}}],
                          'is_error':true}]}]
                        """), sent(request).get("messages"));
    }

    @Test
    void aMarkerIsWrittenByteForByte() {
        ChatRequest request = ChatRequests.to("claude-x")
                .messages(new Message(
                        Role.USER,
                        List.of(new ContentPart.Text(
                                "hi", new CacheControl("{\"type\":\"ephemeral\",\"weight\":2.50}")))))
                .build();
        String written = Json.write(mapper.toBody(request, false));
        assertTrue(written.contains("\"cache_control\":{\"type\":\"ephemeral\",\"weight\":2.50}"), written);
    }

    @Test
    void aMarkerThatCannotBeSentIsRefusedNotDropped() {
        assertRefused(
                ChatRequests.to("claude-x")
                        .messages(new Message(
                                Role.USER, List.of(new ContentPart.Text("hi"), new ContentPart.Text("", EPHEMERAL))))
                        .build(),
                "message 0: an empty text cannot carry cache_control");
        assertRefused(
                ChatRequests.to("claude-x")
                        .systemBlocks(new ContentPart.Text("a", EPHEMERAL), new ContentPart.Text("", EPHEMERAL))
                        .user("hi")
                        .build(),
                "system block 1: an empty text cannot carry cache_control");
        assertRefused(
                ChatRequests.to("claude-x")
                        .messages(new Message(Role.USER, List.of(new ContentPart.Text("hi", new CacheControl("{x}")))))
                        .build(),
                "a cache_control marker is not a JSON object: {x}");
    }

    private void assertRefused(ChatRequest request, String message) {
        LlmException e = assertThrows(LlmException.class, () -> mapper.toBody(request, false));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals(message, e.getMessage());
    }

    @Test
    void structuredOutputsForcedToolSitsBesideAMarkedSystemPrompt() {
        ChatRequest request = ChatRequests.to("claude-x")
                .systemBlocks(new ContentPart.Text("Long instructions.", EPHEMERAL))
                .user("weather in Paris?")
                .build()
                .withResponseFormat(ResponseFormat.jsonObject());
        JsonNode body = sent(request);
        assertEquals(
                json("[{'type':'text','text':'Long instructions.','cache_control':{'type':'ephemeral'}}]"),
                body.get("system"));
        assertEquals(StructuredOutput.JSON_OBJECT_TOOL, body.at("/tools/0/name").asText());
        assertTrue(body.at("/tools/0/cache_control").isMissingNode(), body.toString());
        assertEquals(
                StructuredOutput.JSON_OBJECT_TOOL, body.at("/tool_choice/name").asText());
    }

    @Test
    void thinkingGoesBackUnmarkedBesideMarkedBlocks() {
        ChatRequest request = ChatRequests.to("claude-x")
                .systemBlocks(new ContentPart.Text("Think first.", EPHEMERAL))
                .messages(
                        Message.user("2+2?"),
                        new Message(
                                Role.ASSISTANT,
                                List.of(
                                        new ContentPart.Thinking("add them", "sig-1"),
                                        new ContentPart.Text("4", EPHEMERAL))),
                        Message.user("and 3+3?"))
                .reasoning(Reasoning.budget(2048))
                .build();
        JsonNode body = sent(request);
        assertEquals(json("{'type':'enabled','budget_tokens':2048}"), body.get("thinking"));
        assertEquals(json("""
                        [{'type':'thinking','thinking':'add them','signature':'sig-1'},
                         {'type':'text','text':'4','cache_control':{'type':'ephemeral'}}]
                        """), body.at("/messages/1/content"));
        assertEquals("Think first.", body.at("/system/0/text").asText());
    }
}
