package dev.caracal.gateway.anthropic.http.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import java.util.Comparator;

/** JSON helpers for tests: single quotes stand for double quotes, so expectations read like the wire format. */
final class Trees {
    private Trees() {}

    static JsonNode json(String singleQuoted) {
        try {
            return Json.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    static ObjectNode obj(String singleQuoted) {
        return (ObjectNode) json(singleQuoted);
    }

    /**
     * Compares JSON trees: member order ignored; numbers by value (an int and a long that serialize alike are
     * equal); everything else exact.
     */
    static void assertTree(String expectedSingleQuoted, JsonNode actual) {
        JsonNode expected = json(expectedSingleQuoted);
        assertTrue(expected.equals(NUMBERS_BY_VALUE, actual), () -> "expected " + expected + "\n but was " + actual);
    }

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };
}
