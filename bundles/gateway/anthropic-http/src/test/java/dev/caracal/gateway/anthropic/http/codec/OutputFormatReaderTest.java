package dev.caracal.gateway.anthropic.http.codec;

import static dev.caracal.gateway.anthropic.http.codec.Trees.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ResponseFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Anthropic's structured outputs read into the normalized response format, and kept as sent for Claude. */
class OutputFormatReaderTest {

    private static final String BASE =
            "'model':'claude-x','max_tokens':100,'messages':[{'role':'user','content':'hi'}]";
    private static final String SCHEMA = "{'type':'object','properties':{'city':{'type':'string'}}}";

    private static ChatRequest read(String members) {
        return MessagesRequestReader.read(obj("{" + BASE + "," + members + "}"));
    }

    @Test
    void outputConfigFormatIsReadAndKeptAsSent() throws Exception {
        ChatRequest r = read("'output_config':{'format':{'type':'json_schema','schema':" + SCHEMA + "}}");
        ResponseFormat f = r.responseFormat();
        assertEquals(ResponseFormat.Type.JSON_SCHEMA, f.type());
        assertEquals("response", f.name());
        assertEquals(Boolean.TRUE, f.strict());
        assertEquals(
                Json.mapper().readTree(SCHEMA.replace('\'', '"')), Json.mapper().readTree(f.schemaJson()));
        assertEquals(Map.of(), r.extras().fields(), "read, so no provider refuses it");
        assertEquals(
                Json.mapper()
                        .readTree(
                                "{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA.replace('\'', '"') + "}}"),
                Json.mapper().readTree(r.extras().originals().get("output_config")));
    }

    @Test
    void theBetasOutputFormatIsReadToo() {
        ChatRequest r = read("'output_format':{'type':'json_schema','schema':" + SCHEMA + "}");
        assertEquals(ResponseFormat.Type.JSON_SCHEMA, r.responseFormat().type());
        assertTrue(r.extras().originals().containsKey("output_format"));
        assertEquals(Map.of(), r.extras().fields());
    }

    @Test
    void anOutputConfigWithMoreThanAFormatStaysAnExtra() {
        ChatRequest r =
                read("'output_config':{'effort':'low','format':{'type':'json_schema','schema':" + SCHEMA + "}}");
        assertNull(r.responseFormat(), "not translated: others cannot honour the effort");
        assertTrue(r.extras().fields().containsKey("output_config"), r.extras().toString());
        assertEquals(Map.of(), r.extras().originals());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'output_config':7 | output_config",
                "'output_config':{'format':{'type':'json_object'}} | output_config.format.type",
                "'output_config':{'format':{'type':'json_schema'}} | output_config.format.schema",
                "'output_config':{'format':{'type':'json_schema','schema':[1]}} | output_config.format.schema",
                "'output_format':{'type':'json_schema','schema':{},'name':'x'} | output_format.name",
                "'output_format':'json' | output_format",
                "'output_config':{'format':{'type':'json_schema','schema':{}}},'output_format':{'type':'json_schema','schema':{}} | output_format"
            })
    void badFormatsAreRefusedByPath(String members, String path) {
        AnthropicError e = assertThrows(AnthropicError.class, () -> read(members));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith(path + ": "), e.getMessage());
    }
}
