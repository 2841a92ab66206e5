package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.caracal.llm.ResponseExtras;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseShapeTest {

    private static final ResponseShape SHAPE = ResponseShape.read("id", "model")
            .firstOf("choices", ResponseShape.read("index").object("message", ResponseShape.read("content")))
            .object("usage", ResponseShape.read("prompt_tokens"));

    @Test
    void collectsWhatTheShapeDoesNotReadAtItsPointerInOrder() {
        ResponseExtras extras = SHAPE.extras(Json.tryParse("""
                {"id":"c1","model":"m","system_fingerprint":"fp_9","choices":[
                   {"index":0,"message":{"content":"hi","annotations":[{"type":"url_citation"}]},"logprobs":{"content":[]}},
                   {"index":1,"message":{"content":"ignored","extra":1}}],
                 "usage":{"prompt_tokens":3,"completion_tokens_details":{"reasoning_tokens":2}},
                 "a/b~c":true,"service_tier":null}
                """), "openai", ResponseExtras.RESPONSE);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("/system_fingerprint", "\"fp_9\"");
        expected.put("/choices/0/message/annotations", "[{\"type\":\"url_citation\"}]");
        expected.put("/choices/0/logprobs", "{\"content\":[]}");
        expected.put("/usage/completion_tokens_details", "{\"reasoning_tokens\":2}");
        expected.put("/a~1b~0c", "true");
        assertEquals(expected, extras.members());
        assertEquals(
                "[/system_fingerprint, /choices/0/message/annotations, /choices/0/logprobs,"
                        + " /usage/completion_tokens_details, /a~1b~0c]",
                extras.members().keySet().toString(),
                "the upstream's order");
        assertEquals("openai", extras.format());
        assertEquals(ResponseExtras.RESPONSE, extras.scope());
    }

    @Test
    void nothingUnreadIsNone() {
        assertSame(
                ResponseExtras.NONE,
                SHAPE.extras(Json.tryParse("{\"id\":\"c\",\"choices\":[],\"usage\":null}"), "openai", "chunk"));
        assertSame(ResponseExtras.NONE, SHAPE.extras(Json.tryParse("[1]"), "openai", "chunk"));
        assertSame(ResponseExtras.NONE, SHAPE.extras(null, "openai", "chunk"));
    }
}
