package dev.caracal.gateway.openai.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.testkit.FieldsTable;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code docs/gateway-fields.md} says of each Chat Completions field what this ingress does with it. */
class GatewayFieldsDocTest {

    @Test
    void theDocumentedFieldsAreTheOnesTheParserReadsAndTheRestAreExtras() throws Exception {
        Map<String, String> rows = FieldsTable.rows("/v1/chat/completions");
        TreeSet<String> documentedRead = new TreeSet<>();
        rows.forEach((field, ingress) -> {
            assertTrue(ingress.equals("read") || ingress.equals("extra"), field + ": " + ingress);
            if (ingress.equals("read")) {
                documentedRead.add(field);
            }
        });
        assertEquals(new TreeSet<>(ChatCompletionParser.READ), documentedRead);
        rows.forEach((field, ingress) -> {
            if (ingress.equals("extra")) {
                String body =
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"user\","
                                + "\"content\":\"again\"}],\"" + field + "\":{\"any\":\"1\"}}";
                assertEquals(
                        Map.of(field, "{\"any\":\"1\"}"),
                        ChatCompletionParser.parse(ChatCompletionParserTest.json(body))
                                .request()
                                .extras()
                                .fields(),
                        field + " is kept verbatim");
            }
        });
    }
}
