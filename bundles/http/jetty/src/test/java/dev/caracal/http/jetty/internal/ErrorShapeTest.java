package dev.caracal.http.jetty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorShapeTest {

    @Test
    void shapeFollowsThePathAndAnthropicVersion() {
        assertEquals(ErrorShape.PROBLEM, ErrorShape.of("/api/v1/collections?x=1", false));
        assertEquals(ErrorShape.PROBLEM, ErrorShape.of("/readyz", true));
        assertEquals(ErrorShape.PROBLEM, ErrorShape.of(null, false));
        assertEquals(ErrorShape.PROBLEM, ErrorShape.of("/v10/x", false));
        assertEquals(ErrorShape.OPENAI, ErrorShape.of("/v1/chat/completions", false));
        assertEquals(ErrorShape.OPENAI, ErrorShape.of("http://host:8181/v1/models?limit=2", false));
        assertEquals(ErrorShape.ANTHROPIC, ErrorShape.of("/v1/models", true));
        assertEquals(ErrorShape.ANTHROPIC, ErrorShape.of("/v1/messages", false));
        assertEquals(ErrorShape.ANTHROPIC, ErrorShape.of("/v1/messages?beta=true", false));
    }

    @Test
    void caracalPathsAreItsSurfacesAndHealth() {
        for (String path : new String[] {"/api", "/api/v1/collections", "/v1", "/v1/models", "/healthz", "/readyz?x"}) {
            assertTrue(ErrorShape.isCaracalPath(path), path);
        }
        for (String path : new String[] {"/", "/apix", "/system/console", "/healthzz", "/favicon.ico"}) {
            assertFalse(ErrorShape.isCaracalPath(path), path);
        }
    }

    @Test
    void theParserPeeksTheTargetOfTheFirstLine() {
        assertEquals("/api/v1/collections", peek("GET /api/v1/collections\r\n\r\n"));
        assertEquals("/v1/models", peek("\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("/v1/mes", peek("POST /v1/mes"));
        assertNull(peek("GARBAGE\r\n"));
        assertNull(peek("GET"));
    }

    @Test
    void theHeadEndsAtTheBlankLine() {
        ByteBuffer buffer = ByteBuffer.wrap("GET /v1/x HTTP/1.1\r\nAnthropic-Version: 1\r\n\r\nanthropic-version: body"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("GET /v1/x HTTP/1.1\r\nAnthropic-Version: 1\r\n", TargetPeekingParser.head(buffer));
        assertEquals(0, buffer.position()); // nothing consumed
    }

    private static String peek(String bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1));
        String target = TargetPeekingParser.target(TargetPeekingParser.head(buffer));
        assertEquals(0, buffer.position()); // nothing consumed
        return target;
    }
}
