package dev.caracal.gateway.openai.http.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.gateway.testkit.FieldsTable;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code docs/gateway-fields.md} says of each Responses field what this ingress does with it. */
class ResponsesFieldsDocTest {

    @Test
    void theDocumentedFieldsAreTheOnesTheParserReadsAndTheRestAreRefusedByName() throws Exception {
        Map<String, String> rows = FieldsTable.rows("POST /v1/responses");
        TreeSet<String> documentedRead = new TreeSet<>();
        rows.forEach((field, ingress) -> {
            assertTrue(ingress.equals("read") || ingress.equals("refused"), field + ": " + ingress);
            if (ingress.equals("read")) {
                documentedRead.add(field);
            }
        });
        assertEquals(new TreeSet<>(ResponsesRequestParser.READ), documentedRead);
        rows.forEach((field, ingress) -> {
            if (ingress.equals("refused")) {
                InvalidRequestException e = assertThrows(
                        InvalidRequestException.class,
                        () -> ResponsesRequestParserTest.parse(
                                "{\"model\":\"m\",\"input\":\"hi\",\"" + field + "\":{\"any\":\"1\"}}"),
                        field);
                assertEquals(field, e.param());
                assertEquals(InvalidRequestException.UNSUPPORTED, e.code(), field);
            }
        });
    }
}
