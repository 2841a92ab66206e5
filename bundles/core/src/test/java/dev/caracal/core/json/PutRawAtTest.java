package dev.caracal.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PutRawAtTest {

    private static ObjectNode parse(String json) throws Exception {
        return (ObjectNode) Json.mapper().readTree(json);
    }

    private static String write(ObjectNode node) throws Exception {
        return Json.mapper().writeValueAsString(node);
    }

    @Test
    void replacesAMemberAndKeepsTheRawTextAsGiven() throws Exception {
        ObjectNode root = parse("{\"id\":\"x\",\"system_fingerprint\":null}");
        assertTrue(Json.putRawAt(root, "/system_fingerprint", "\"fp_1\""));
        assertTrue(Json.putRawAt(root, "/price", "2.50"));
        assertEquals("{\"id\":\"x\",\"system_fingerprint\":\"fp_1\",\"price\":2.50}", write(root));
    }

    @Test
    void walksArraysAndCreatesMissingObjects() throws Exception {
        ObjectNode root = parse("{\"choices\":[{\"index\":0,\"logprobs\":null}],\"usage\":null}");
        assertTrue(Json.putRawAt(root, "/choices/0/logprobs", "{\"content\":[]}"));
        assertTrue(Json.putRawAt(root, "/usage/completion_tokens_details", "{\"reasoning_tokens\":3}"));
        assertEquals(
                "{\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[]}}],"
                        + "\"usage\":{\"completion_tokens_details\":{\"reasoning_tokens\":3}}}",
                write(root));
    }

    @Test
    void unescapesReferenceTokens() throws Exception {
        ObjectNode root = parse("{}");
        assertTrue(Json.putRawAt(root, "/a~1b/c~0d", "1"));
        assertEquals("{\"a/b\":{\"c~d\":1}}", write(root));
    }

    @Test
    void refusesPointersItCannotFollowAndChangesNothing() throws Exception {
        ObjectNode root = parse("{\"choices\":[],\"name\":\"x\",\"list\":[1]}");
        String before = write(root);
        assertFalse(Json.putRawAt(root, "", "1"));
        assertFalse(Json.putRawAt(root, "no-slash", "1"));
        assertFalse(Json.putRawAt(root, "/choices/0/logprobs", "1"), "index out of range");
        assertFalse(Json.putRawAt(root, "/choices/x/logprobs", "1"), "not an index");
        assertFalse(Json.putRawAt(root, "/choices/00/logprobs", "1"), "leading zero");
        assertFalse(Json.putRawAt(root, "/name/first", "1"), "through a string");
        assertFalse(Json.putRawAt(root, "/list/0", "2"), "an array element itself");
        assertEquals(before, write(root));
    }
}
