package dev.caracal.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path writes every kind of value exactly as Jackson's writer does. */
class CompactTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"plain\"",
                "\"quote \\\" backslash \\\\ tab \\t newline \\n control \\u0001 é ✓\"",
                "true",
                "false",
                "null",
                "0",
                "-42",
                "12345678901234567890123",
                "2.5",
                "1.0E-5",
                "[]",
                "{}",
                "[1,\"a\",{\"b\":null}]",
                "{\"a\":{\"b\":[true]}}"
            })
    void compactIsWhatJacksonWrites(String json) throws Exception {
        JsonNode node = Json.mapper().readTree(json);
        assertEquals(Json.mapper().writeValueAsString(node), Json.compact(node));
    }
}
