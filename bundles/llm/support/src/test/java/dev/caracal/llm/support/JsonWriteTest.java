package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path of {@link Json#write} writes every kind of value exactly as Jackson's writer does. */
class JsonWriteTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"plain\"",
                "\"quote \\\" backslash \\\\ tab \\t newline \\n control \\u0001 é ✓\"",
                "true",
                "false",
                "null",
                "-42",
                "12345678901234567890123",
                "2.5",
                "[]",
                "{}",
                "[1,\"a\",{\"b\":null}]"
            })
    void writeIsWhatJacksonWrites(String json) throws Exception {
        JsonNode node = Json.MAPPER.readTree(json);
        assertEquals(Json.MAPPER.writeValueAsString(node), Json.write(node));
    }
}
