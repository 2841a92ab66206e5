package dev.caracal.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import javax.servlet.ReadListener;
import javax.servlet.ServletInputStream;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyReaderTest {

    @Test
    void readsWithinTheLimit() throws Exception {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(body, BodyReader.readLimited(new ByteArrayInputStream(body), body.length));
    }

    @Test
    void overTheLimitIs413() {
        byte[] body = new byte[100_000];
        ProblemException e = assertThrows(
                ProblemException.class, () -> BodyReader.readLimited(new ByteArrayInputStream(body), 99_999));
        assertEquals(413, e.problem().status());
        assertEquals(99_999L, e.problem().extensions().get("limit"));
    }

    @Test
    void chunkedBodiesOfEverySizeComeBackWhole() throws Exception {
        for (int size : new int[] {0, 1, 1023, 1024, 1025, 4096, 70_001}) {
            byte[] body = new byte[size];
            for (int i = 0; i < size; i++) {
                body[i] = (byte) (i * 31);
            }
            assertArrayEquals(body, BodyReader.readLimited(new ByteArrayInputStream(body), size), "size " + size);
            assertArrayEquals(body, BodyReader.readLimited(new TrickleStream(body), 1_000_000), "trickled " + size);
        }
    }

    @Test
    void oneByteOverTheLimitIs413EvenWhenItArrivesByteByByte() {
        byte[] body = new byte[2049];
        ProblemException e =
                assertThrows(ProblemException.class, () -> BodyReader.readLimited(new TrickleStream(body), 2048));
        assertEquals(413, e.problem().status());
    }

    @Test
    void aDeclaredLengthIsReadExactlyAndAShortBodyIs400() throws Exception {
        byte[] body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(body, BodyReader.readDeclared(new TrickleStream(body), body.length));
        ProblemException e = assertThrows(
                ProblemException.class, () -> BodyReader.readDeclared(new ByteArrayInputStream(body), body.length + 5));
        assertEquals(400, e.problem().status());
        assertTrue(
                e.problem().detail().contains(body.length + " of its " + (body.length + 5)),
                e.problem().detail());
    }

    /** Hands out one byte per read, like a slow client. */
    private static final class TrickleStream extends java.io.InputStream {
        private final byte[] data;
        private int pos;

        TrickleStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= data.length) {
                return -1;
            }
            b[off] = data[pos++];
            return 1;
        }
    }

    @Test
    void malformedJsonSaysWhere() {
        ProblemException e = assertThrows(
                ProblemException.class,
                () -> BodyReader.parseJsonObject("{\"a\":\n  [1, 2,}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.problem().status());
        assertTrue(e.problem().detail().contains("line 2"), e.problem().detail());
    }

    @Test
    void rejectsNonObjectsEmptyBodiesTrailingTokensDuplicatesAndNaN() {
        for (String body :
                new String[] {"[1]", "", "{\"a\":1} {\"b\":2}", "{\"a\":1,\"a\":2}", "{\"a\":NaN}", "\"text\""}) {
            ProblemException e = assertThrows(
                    ProblemException.class,
                    () -> BodyReader.parseJsonObject(body.getBytes(StandardCharsets.UTF_8)),
                    body);
            assertEquals(400, e.problem().status(), body);
        }
    }

    @Test
    void deepNestingIsRefused() {
        String body = "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}";
        ProblemException e = assertThrows(
                ProblemException.class, () -> BodyReader.parseJsonObject(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.problem().status());
    }

    /** Jackson's complaints reach the client in plain words: no Java type, no echo of the body. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"a\":1}{\"b\":2}",
                "{\"a\":1} x",
                "{\"a\":",
                "{\"a\":tru}",
                "{\"a\":\"\u0000\"}",
                "{\"a\":[1,2}",
                "{\"a\":01}",
                "{'a':1}",
                "\uFEFF{\"a\":1"
            })
    void malformedJsonIs400InPlainWords(String body) {
        ProblemException e = assertThrows(
                ProblemException.class, () -> BodyReader.parseJsonObject(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.problem().status());
        String detail = e.problem().detail();
        for (String leak : new String[] {"com.fasterxml", "java.", "`", "Source:", "byte[]", "Exception"}) {
            assertFalse(detail.contains(leak), detail);
        }
    }

    @Test
    void nestingBeyondTheLimitIsNamedWithoutTheParsersTypes() {
        ProblemException e = assertThrows(
                ProblemException.class,
                () -> BodyReader.parseJsonObject(("{\"a\":" + "[".repeat(1500)).getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.problem().status());
        assertTrue(e.problem().detail().contains("nesting depth"), e.problem().detail());
        assertFalse(e.problem().detail().contains("`"), e.problem().detail());
        assertFalse(e.problem().detail().contains("Constraints"), e.problem().detail());
    }

    @Test
    void moreAfterTheObjectIsNamed() {
        ProblemException e = assertThrows(
                ProblemException.class,
                () -> BodyReader.parseJsonObject("{\"a\":1}{\"b\":2}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(
                e.problem().detail().startsWith("there is more after the JSON value"),
                e.problem().detail());
    }

    /** Jetty fails the read of a malformed chunked body (or one cut short); that is the client's 400. */
    @Test
    void aBodyJettyCannotReadIs400() {
        for (RuntimeException failure : new RuntimeException[] {null, new IllegalStateException("400: Bad chunking")}) {
            HttpServletRequest request = failingRequest(failure);
            ProblemException e = assertThrows(ProblemException.class, () -> BodyReader.readBytes(request, 1_000_000));
            assertEquals(400, e.problem().status());
            assertTrue(
                    e.problem().detail().contains("chunked encoding is malformed"),
                    e.problem().detail());
        }
    }

    /** A chunked request whose body read fails: with an IOException ("Early EOF") or {@code failure}. */
    private static HttpServletRequest failingRequest(RuntimeException failure) {
        ServletInputStream in = new ServletInputStream() {
            @Override
            public int read() throws IOException {
                if (failure != null) {
                    throw failure;
                }
                throw new EOFException("Early EOF");
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {}
        };
        return (HttpServletRequest) Proxy.newProxyInstance(
                BodyReaderTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getContentLengthLong":
                            return -1L;
                        case "getInputStream":
                            return in;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
