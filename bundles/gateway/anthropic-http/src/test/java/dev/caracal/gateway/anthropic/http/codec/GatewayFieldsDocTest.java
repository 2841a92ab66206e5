package dev.caracal.gateway.anthropic.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.testkit.FieldsTable;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ChatRequest;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
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

    @Test
    void theDocumentedMarkersInsideTheBodyAreTheOnesTheReaderReads() throws Exception {
        Map<String, Function<ChatRequest, CacheControl>> where = Map.of(
                "system[].cache_control", r -> r.systemBlocks().get(0).cacheControl(),
                "messages[].content[].cache_control",
                        r -> r.messages().get(0).content().get(0).cacheControl(),
                "tools[].cache_control", r -> r.tools().get(0).cacheControl());
        Map<String, String> rows = FieldsTable.nestedRows("/v1/messages");
        assertEquals(new TreeSet<>(where.keySet()), new TreeSet<>(rows.keySet()));
        ChatRequest read = MessagesRequestReader.read(Trees.json("""
                {'model':'m','max_tokens':10,
                 'system':[{'type':'text','text':'s','cache_control':{'type':'ephemeral'}}],
                 'tools':[{'name':'t','input_schema':{'type':'object'},'cache_control':{'type':'ephemeral'}}],
                 'messages':[{'role':'user','content':[{'type':'text','text':'hi','cache_control':{'type':'ephemeral'}}]}]}
                """));
        rows.forEach((path, ingress) -> {
            assertEquals("read", ingress, path);
            assertEquals(CacheControl.EPHEMERAL, where.get(path).apply(read), path + " is read");
        });
    }
}
