package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.json;
import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.Embeddings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddingsCodecTest {

    @Test
    void stringOrArrayInput() {
        EmbeddingsCall one = EmbeddingsCodec.parse(json("{'model':'e','input':'hello'}"));
        assertEquals(new EmbeddingsCall("e", List.of("hello"), false, null), one);
        EmbeddingsCall many = EmbeddingsCodec.parse(
                json("{'model':'e','input':['a','b'],'encoding_format':'base64'," + "'dimensions':3,'user':null}"));
        assertEquals(new EmbeddingsCall("e", List.of("a", "b"), true, 3), many);
        assertFalse(EmbeddingsCodec.parse(json("{'model':'e','input':'x','encoding_format':'float'}"))
                .base64());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{'input':'x'}|model|missing_required_parameter",
                "{'model':'e'}|input|missing_required_parameter",
                "{'model':'e','input':''}|input|invalid_value",
                "{'model':'e','input':[]}|input|invalid_value",
                "{'model':'e','input':['a','']}|input[1]|invalid_value",
                "{'model':'e','input':'x','user':'u'}|user|unsupported_parameter",
                "{'model':'e','input':'x','truncate':'END'}|truncate|unknown_parameter",
                "{'model':'e','input':[1,2,3]}|input|unsupported_value",
                "{'model':'e','input':[[1,2],[3]]}|input|unsupported_value",
                "{'model':'e','input':['a',{}]}|input[1]|invalid_type",
                "{'model':'e','input':5}|input|invalid_type",
                "{'model':'e','input':'x','encoding_format':'int8'}|encoding_format|invalid_value",
                "{'model':'e','input':'x','dimensions':0}|dimensions|invalid_value",
                "{'model':'e','input':'x','dimensions':'8'}|dimensions|invalid_type"
            })
    void invalid(String body, String param, String code) {
        InvalidRequestException e =
                assertThrows(InvalidRequestException.class, () -> EmbeddingsCodec.parse(json(body)));
        assertEquals(param, e.param(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
    }

    @Test
    void dimensionsMustMatchTheModel() {
        Embeddings emb = new Embeddings(List.of(new float[] {1, 2}), 3);
        EmbeddingsCodec.checkDimensions(new EmbeddingsCall("e", List.of("a"), false, 2), emb);
        EmbeddingsCodec.checkDimensions(new EmbeddingsCall("e", List.of("a"), false, null), emb);
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> EmbeddingsCodec.checkDimensions(new EmbeddingsCall("e", List.of("a"), false, 8), emb));
        assertEquals("dimensions", e.param());
    }

    @Test
    void floatResponse() {
        Embeddings emb = new Embeddings(List.of(new float[] {0.25f, -1.5f}, new float[] {0f, 3f}), 7);
        assertEquals(
                json("{'object':'list','data':[{'object':'embedding','index':0,'embedding':[0.25,-1.5]},"
                        + "{'object':'embedding','index':1,'embedding':[0.0,3.0]}],'model':'e',"
                        + "'usage':{'prompt_tokens':7,'total_tokens':7}}"),
                wire(EmbeddingsCodec.render(new EmbeddingsCall("e", List.of("a", "b"), false, null), emb)));
    }

    @Test
    void base64IsLittleEndianFloat32() {
        float[] v = {0.1f, -2.5f, 1e-7f, Float.MAX_VALUE};
        String b64 = EmbeddingsCodec.base64(v);
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(16, buf.remaining());
        for (float f : v) {
            assertEquals(f, buf.getFloat());
        }
        // 1.0f is 0x3F800000: little-endian bytes 00 00 80 3F
        assertEquals("AACAPw==", EmbeddingsCodec.base64(new float[] {1.0f}));
        var out = EmbeddingsCodec.render(
                new EmbeddingsCall("e", List.of("a"), true, null), new Embeddings(List.of(new float[] {1.0f}), 1));
        assertTrue(out.at("/data/0/embedding").isTextual());
        assertEquals("AACAPw==", out.at("/data/0/embedding").textValue());
    }
}
