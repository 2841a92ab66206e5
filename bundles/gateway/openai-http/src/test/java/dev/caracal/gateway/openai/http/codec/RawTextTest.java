package dev.caracal.gateway.openai.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RawTextTest {

    @Test
    void textWithoutLoneSurrogatesIsReturnedAsIs() {
        String raw = "{\"a\":\"caf\u00e9 \ud83d\ude00\",\"b\":[1,2.50]}";
        assertSame(raw, RawText.utf8Safe(raw));
    }

    @Test
    void loneSurrogatesBecomeEscapesThatReadAsTheSameString() throws Exception {
        String raw = "{\"a\":\"x\ud83d\",\"b\":\"\ude00y\",\"c\":\"\ud83d\ud83d\ude00\"}";
        String safe = RawText.utf8Safe(raw);
        assertEquals("{\"a\":\"x\\ud83d\",\"b\":\"\\ude00y\",\"c\":\"\\ud83d\ud83d\ude00\"}", safe);
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(raw), json.readTree(safe));
        json.writeValueAsBytes(json.readTree(safe)); // as the answer is written: UTF-8
    }
}
