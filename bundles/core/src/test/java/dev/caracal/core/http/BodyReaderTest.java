package dev.caracal.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyReaderTest {

    @Test
    void readsWithinTheLimit() throws Exception {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(body, BodyReader.readLimited(new ByteArrayInputStream(body), body.length));
    }

    @Test
    void overTheLimitIs413() {
        byte[] body = new byte[100_000];
        ProblemException e = assertThrows(ProblemException.class,
                () -> BodyReader.readLimited(new ByteArrayInputStream(body), 99_999));
        assertEquals(413, e.problem().status());
        assertEquals(99_999L, e.problem().extensions().get("limit"));
    }

    @Test
    void malformedJsonSaysWhere() {
        ProblemException e = assertThrows(ProblemException.class,
                () -> BodyReader.parseJsonObject("{\"a\":\n  [1, 2,}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.problem().status());
        assertTrue(e.problem().detail().contains("line 2"), e.problem().detail());
    }

    @Test
    void rejectsNonObjectsEmptyBodiesTrailingTokensDuplicatesAndNaN() {
        for (String body : new String[] {"[1]", "", "{\"a\":1} {\"b\":2}", "{\"a\":1,\"a\":2}", "{\"a\":NaN}", "\"text\""}) {
            ProblemException e = assertThrows(ProblemException.class,
                    () -> BodyReader.parseJsonObject(body.getBytes(StandardCharsets.UTF_8)), body);
            assertEquals(400, e.problem().status(), body);
        }
    }

    @Test
    void deepNestingIsRefused() {
        String body = "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}";
        ProblemException e = assertThrows(ProblemException.class,
                () -> BodyReader.parseJsonObject(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.problem().status());
    }
}
