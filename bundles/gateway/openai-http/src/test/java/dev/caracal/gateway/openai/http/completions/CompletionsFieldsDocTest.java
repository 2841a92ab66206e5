package dev.caracal.gateway.openai.http.completions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.gateway.testkit.FieldsTable;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code docs/gateway-fields.md} says of each legacy Completions field what this ingress does with it. */
class CompletionsFieldsDocTest {

    @Test
    void theDocumentedFieldsAreTheOnesTheParserReadsAndOthersAreRefusedByName() throws Exception {
        Map<String, String> rows = FieldsTable.rows("POST /v1/completions");
        rows.forEach((field, ingress) -> assertEquals("read", ingress, field));
        assertEquals(new TreeSet<>(CompletionsParser.READ), new TreeSet<>(rows.keySet()));
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> CompletionsParserTest.parse("{\"model\":\"m\",\"prompt\":\"x\",\"not_a_field\":1}"));
        assertEquals("not_a_field", e.param());
    }
}
