package dev.caracal.http.jetty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGE = "a \"quoted\" message\\ with\ta control \u0001 character";

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 405, 413, 414, 431, 503, 418})
    void problemJsonHasTheRfcMembers(int status) throws Exception {
        ErrorBody body = ErrorBody.of(ErrorShape.PROBLEM, status, MESSAGE);
        assertEquals("application/problem+json;charset=utf-8", body.contentType());
        JsonNode json = JSON.readTree(body.bytes());
        assertTrue(json.get("type").asText().startsWith("urn:caracal:problem:"), body.json());
        assertFalse(json.get("title").asText().isBlank(), body.json());
        assertEquals(status, json.get("status").asInt());
        assertEquals(MESSAGE, json.get("detail").asText());
        assertEquals(4, json.size(), body.json());
        assertClean(body);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 413, 414, 431, 503})
    void openAiEnvelopeHasItsFourMembers(int status) throws Exception {
        ErrorBody body = ErrorBody.of(ErrorShape.OPENAI, status, MESSAGE);
        assertEquals("application/json;charset=utf-8", body.contentType());
        JsonNode error = JSON.readTree(body.bytes()).get("error");
        assertEquals(MESSAGE, error.get("message").asText());
        String expected = status == 404 ? "not_found_error" : status >= 500 ? "server_error" : "invalid_request_error";
        assertEquals(expected, error.get("type").asText());
        assertTrue(error.get("param").isNull());
        assertTrue(error.get("code").isNull());
        assertClean(body);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 413, 414, 431, 503})
    void anthropicEnvelopeIsTypedError(int status) throws Exception {
        ErrorBody body = ErrorBody.of(ErrorShape.ANTHROPIC, status, MESSAGE);
        JsonNode json = JSON.readTree(body.bytes());
        assertEquals("error", json.get("type").asText());
        assertEquals(MESSAGE, json.get("error").get("message").asText());
        String type = json.get("error").get("type").asText();
        switch (status) {
            case 404 -> assertEquals("not_found_error", type);
            case 413 -> assertEquals("request_too_large", type);
            case 503 -> assertEquals("overloaded_error", type);
            default -> assertEquals("invalid_request_error", type);
        }
        assertClean(body);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 413, 414, 431})
    void everyParserMessageIsCaracalsOwnText(int status) {
        for (String reason : new String[] {
            "Bad Request",
            "java.lang.IllegalArgumentException: Bad escape",
            "org.eclipse.jetty.http.BadMessageException"
        }) {
            String message = ErrorMessages.parserMessage(status, reason, "/api/v1/collections");
            assertFalse(
                    message.contains("java.") || message.contains("org.") || message.contains("Exception"), message);
        }
    }

    @org.junit.jupiter.api.Test
    void parserStatusesBecomeClientStatuses() {
        assertEquals(400, ErrorMessages.clientStatus(505));
        assertEquals(400, ErrorMessages.clientStatus(501));
        assertEquals(400, ErrorMessages.clientStatus(500));
        assertEquals(431, ErrorMessages.clientStatus(431));
        assertEquals(414, ErrorMessages.clientStatus(414));
        assertEquals(400, ErrorMessages.clientStatus(400));
        assertTrue(ErrorMessages.parserMessage(400, "HTTP/0.9 not supported", "/api")
                .contains("no HTTP version"));
        assertTrue(ErrorMessages.parserMessage(400, "Bad Request", "/api/%zz").contains("percent-escape"));
        assertTrue(ErrorMessages.parserMessage(400, "Illegal character SPACE=' '", null)
                .endsWith("(Illegal character SPACE=' ')"));
    }

    private static void assertClean(ErrorBody body) {
        assertFalse(body.json().contains("org.eclipse"), body.json());
        assertFalse(body.json().contains("java."), body.json());
        assertFalse(body.json().contains("Exception"), body.json());
        assertFalse(body.json().contains("<"), body.json());
    }
}
