package dev.caracal.gateway.openai.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.testkit.FieldsTable;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ChatRequest;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
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

    @Test
    void theDocumentedMarkersInsideTheBodyAreTheOnesTheParserReads() throws Exception {
        Map<String, Function<ChatRequest, CacheControl>> where = Map.of(
                "messages[].content[].cache_control",
                        r -> r.messages().get(0).content().get(0).cacheControl(),
                "tools[].cache_control", r -> r.tools().get(0).cacheControl());
        Map<String, String> rows = FieldsTable.nestedRows("/v1/chat/completions");
        assertEquals(new TreeSet<>(where.keySet()), new TreeSet<>(rows.keySet()));
        ChatRequest read =
                ChatCompletionParser.parse(ChatCompletionParserTest.json("""
                        {'model':'m',
                         'tools':[{'type':'function','function':{'name':'t'},'cache_control':{'type':'ephemeral'}}],
                         'messages':[{'role':'user','content':[
                           {'type':'text','text':'hi','cache_control':{'type':'ephemeral'}}]}]}
                        """)).request();
        rows.forEach((path, ingress) -> {
            assertEquals("read", ingress, path);
            assertEquals(CacheControl.EPHEMERAL, where.get(path).apply(read), path + " is read");
        });
    }
}
