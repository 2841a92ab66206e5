package dev.caracal.gateway.anthropic.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.testkit.FieldsTable;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code docs/gateway-fields.md} says of each Messages field what this ingress does with it. */
class GatewayFieldsDocTest {

    @Test
    void theDocumentedFieldsAreTheOnesTheReaderReadsAndTheRestAreExtras() throws Exception {
        Map<String, String> rows = FieldsTable.rows("/v1/messages");
        TreeSet<String> documentedRead = new TreeSet<>();
        rows.forEach((field, ingress) -> {
            assertTrue(ingress.equals("read") || ingress.equals("extra"), field + ": " + ingress);
            if (ingress.equals("read")) {
                documentedRead.add(field);
            }
        });
        assertEquals(new TreeSet<>(MessagesRequestReader.KNOWN_FIELDS), documentedRead);
        for (Map.Entry<String, String> row : rows.entrySet()) {
            if (row.getValue().equals("extra")) {
                ObjectNode body =
                        Json.mapper().createObjectNode().put("model", "m").put("max_tokens", 10);
                body.putArray("messages").addObject().put("role", "user").put("content", "hi");
                body.putObject(row.getKey()).put("any", "1");
                assertEquals(
                        Map.of(row.getKey(), "{\"any\":\"1\"}"),
                        MessagesRequestReader.read(body).extras().fields(),
                        row.getKey() + " is kept verbatim");
            }
        }
    }
}
