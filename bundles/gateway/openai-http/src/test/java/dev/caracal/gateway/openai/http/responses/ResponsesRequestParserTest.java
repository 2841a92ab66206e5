package dev.caracal.gateway.openai.http.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.ResponseFormat;
import dev.caracal.llm.Role;
import dev.caracal.llm.ToolChoice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Responses request read into the gateway's chat request, and everything it cannot carry refused by name. */
class ResponsesRequestParserTest {
    static final String PNG = "data:image/png;base64,iVBORw0KGgo=";

    static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ResponsesRequest parse(String body) {
        return ResponsesRequestParser.parse(json(body));
    }

    static ChatRequest chat(String body) {
        ResponsesRequest r = parse(body);
        return r.chatRequest(r.input());
    }

    /** The 400 a body gets: its param and code. */
    static InvalidRequestException refused(String body) {
        return assertThrows(InvalidRequestException.class, () -> chat(body));
    }

    @Test
    void aStringInputIsOneUserMessageAndInstructionsLeadTheSystemPrompt() {
        ChatRequest r = chat("{\"model\":\"m\",\"instructions\":\"Be brief.\",\"input\":\"Hi\"}");
        assertEquals("m", r.model());
        assertEquals("Be brief.", r.system());
        assertEquals(List.of(Message.user("Hi")), r.messages());
        assertEquals(ToolChoice.AUTO, r.toolChoice());
        assertNull(r.responseFormat());
        ResponsesRequest parsed = parse("{\"model\":\"m\",\"input\":\"Hi\"}");
        assertTrue(parsed.store(), "store is true unless the client says otherwise, as at OpenAI");
        assertEquals("message", parsed.input().get(0).path("type").asText());
        assertTrue(parsed.input().get(0).path("id").asText().startsWith("msg_"));
    }

    @Test
    void itemsBecomeTheConversation() {
        ChatRequest r = chat("""
                {"model":"m","input":[
                  {"role":"developer","content":"Use tools."},
                  {"type":"message","role":"user","content":[
                     {"type":"input_text","text":"Look: "},{"type":"input_image","image_url":"%s","detail":"low"}]},
                  {"type":"reasoning","id":"rs_1","summary":[],
                   "content":[{"type":"reasoning_text","text":"Think."}],"encrypted_content":"sig"},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
                  {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
                  {"type":"function_call","call_id":"c2","name":"f","arguments":"{\\"a\\":1}"},
                  {"type":"function_call_output","call_id":"c1","output":"one"},
                  {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"two"}]},
                  {"role":"system","content":[{"type":"input_text","text":"Be kind."}]},
                  {"role":"user","content":"Thanks"}]}
                """.formatted(PNG));
        assertEquals("Use tools.\n\nBe kind.", r.system());
        assertEquals(
                List.of(
                        new Message(
                                Role.USER,
                                List.of(
                                        new ContentPart.Text("Look: "),
                                        new ContentPart.Image("image/png", "iVBORw0KGgo=", null))),
                        new Message(
                                Role.ASSISTANT,
                                List.of(
                                        new ContentPart.Thinking("Think.", "sig"),
                                        new ContentPart.Text("Checking."),
                                        new ContentPart.ToolUse("c1", "f", "{}"),
                                        new ContentPart.ToolUse("c2", "f", "{\"a\":1}"))),
                        new Message(
                                Role.TOOL,
                                List.of(
                                        new ContentPart.ToolResult("c1", List.of(new ContentPart.Text("one")), false),
                                        new ContentPart.ToolResult("c2", List.of(new ContentPart.Text("two")), false))),
                        Message.user("Thanks")),
                r.messages());
    }

    @Test
    void toolsTextFormatReasoningAndSamplingAreRead() {
        ChatRequest r = chat("""
                {"model":"m","input":"x","temperature":0.2,"top_p":0.9,"max_output_tokens":64,
                 "tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object"},"strict":true}],
                 "tool_choice":{"type":"function","name":"f"},"parallel_tool_calls":false,
                 "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true},
                         "verbosity":"low"},
                 "reasoning":{"effort":"high"},"metadata":{"k":"v"},"user":"u1",
                 "prompt_cache_key":"pk","safety_identifier":"si","service_tier":"flex"}
                """);
        assertEquals(0.2, r.sampling().temperature());
        assertEquals(0.9, r.sampling().topP());
        assertEquals(64, r.sampling().maxTokens());
        assertEquals("f", r.tools().get(0).name());
        assertEquals(Boolean.TRUE, r.tools().get(0).strict());
        assertEquals(ToolChoice.tool("f").withParallel(false), r.toolChoice());
        assertEquals(ResponseFormat.jsonSchema("out", null, "{\"type\":\"object\"}", true), r.responseFormat());
        assertEquals(Reasoning.effort(Reasoning.Effort.HIGH), r.reasoning());
        assertEquals(Map.of("k", "v", "user", "u1"), r.metadata());
        assertEquals("openai", r.extras().format());
        assertEquals(
                Map.of(
                        "prompt_cache_key", "\"pk\"",
                        "safety_identifier", "\"si\"",
                        "service_tier", "\"flex\"",
                        "verbosity", "\"low\""),
                r.extras().fields());
        assertEquals(
                ResponseFormat.jsonObject(),
                chat("{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_object\"}}}")
                        .responseFormat());
        assertNull(chat("{\"model\":\"m\",\"input\":\"x\",\"reasoning\":{\"effort\":\"none\"}}")
                .reasoning());
    }

    @Test
    void whatCannotBeHonouredIsRefusedNamingIt() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("\"conversation\":\"conv_1\"", "conversation"),
                Map.entry("\"prompt\":{\"id\":\"p\"}", "prompt"),
                Map.entry("\"next_year_field\":1", "next_year_field"),
                Map.entry("\"background\":true", "background"),
                Map.entry("\"truncation\":\"auto\"", "truncation"),
                Map.entry("\"top_logprobs\":3", "top_logprobs"),
                Map.entry("\"include\":[\"file_search_call.results\"]", "include[0]"),
                Map.entry("\"tools\":[{\"type\":\"web_search\"}]", "tools[0].type"),
                Map.entry(
                        "\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],\"tool_choice\":{\"type\":\"file_search\"}",
                        "tool_choice.type"),
                Map.entry("\"reasoning\":{\"summary\":\"auto\"}", "reasoning.summary"),
                Map.entry(
                        "\"stream\":true,\"stream_options\":{\"include_obfuscation\":true}",
                        "stream_options.include_obfuscation"),
                Map.entry("\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\"}}", "text.format.schema"),
                Map.entry("\"temperature\":3", "temperature"));
        cases.forEach((member, param) -> {
            InvalidRequestException e = refused("{\"model\":\"m\",\"input\":\"x\"," + member + "}");
            assertEquals(param, e.param(), member);
        });
    }

    @Test
    void itemsAndPartsThatCannotBeCarriedAreRefusedNamingThem() {
        Map<String, String> cases = Map.of(
                "{\"type\":\"item_reference\",\"id\":\"msg_1\"}", "input[0].type",
                "{\"type\":\"web_search_call\",\"id\":\"ws_1\"}", "input[0].type",
                "{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}",
                        "input[0].content[0].type",
                "{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"f\"}]}",
                        "input[0].content[0].file_id",
                "{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"ftp://x\"}]}",
                        "input[0].content[0].image_url",
                "{\"role\":\"critic\",\"content\":\"x\"}", "input[0].role",
                "{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}", "input[0].call_id",
                "{\"role\":\"user\",\"content\":[{\"type\":\"output_text\",\"text\":\"x\"}]}",
                        "input[0].content[0].type");
        cases.forEach((item, param) -> {
            InvalidRequestException e = refused("{\"model\":\"m\",\"input\":[" + item + "]}");
            assertEquals(param, e.param(), item);
        });
        assertEquals("input", refused("{\"model\":\"m\"}").param());
        assertEquals(
                "input",
                refused("{\"model\":\"m\",\"input\":[{\"role\":\"system\",\"content\":\"x\"}]}")
                        .param());
    }

    @Test
    void theResponseRepeatsTheRequestsSettings() {
        ResponsesRequest r = parse("""
                {"model":"m","input":"x","instructions":"i","temperature":0.5,"store":false,
                 "tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],"metadata":{"k":"v"}}
                """);
        JsonNode echo = r.echo();
        assertEquals("i", echo.path("instructions").asText());
        assertEquals(0.5, echo.path("temperature").asDouble());
        assertEquals(false, echo.path("store").asBoolean());
        assertEquals("f", echo.path("tools").get(0).path("name").asText());
        assertTrue(echo.path("tools").get(0).path("strict").isNull());
        assertEquals("auto", echo.path("tool_choice").asText());
        assertEquals("v", echo.path("metadata").path("k").asText());
        assertEquals("text", echo.path("text").path("format").path("type").asText());
        assertTrue(echo.path("parallel_tool_calls").asBoolean());
    }
}
