package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpErrorsTest {

    private static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @ParameterizedTest
    @CsvSource({
        "400, INVALID_REQUEST",
        "413, INVALID_REQUEST",
        "422, INVALID_REQUEST",
        "409, INVALID_REQUEST",
        "401, AUTHENTICATION",
        "403, PERMISSION",
        "404, NOT_FOUND",
        "408, TIMEOUT",
        "429, RATE_LIMITED",
        "500, UPSTREAM",
        "502, UPSTREAM",
        "503, OVERLOADED",
        "504, UPSTREAM",
        "529, OVERLOADED"
    })
    void statusKinds(int status, ErrorKind kind) {
        assertEquals(kind, HttpErrors.kindOfStatus(status));
    }

    @Test
    void retryAfterHeaderForms() {
        assertEquals(
                Duration.ofMillis(1500),
                HttpErrors.retryAfter(headers(Map.of("retry-after-ms", List.of("1500"), "retry-after", List.of("9"))))
                        .orElseThrow());
        assertEquals(
                Duration.ofMillis(1500), HttpErrors.retryAfter("1500.0", null).orElseThrow());
        assertEquals(
                Duration.ofSeconds(3),
                HttpErrors.retryAfter(headers(Map.of("retry-after", List.of("3"))))
                        .orElseThrow());
        assertEquals(Duration.ofMillis(2500), HttpErrors.retryAfter(null, "2.5").orElseThrow());
        assertEquals(
                Duration.ofSeconds(9),
                HttpErrors.retryAfter("junk", "9").orElseThrow(),
                "an unusable retry-after-ms falls back to retry-after");
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(now.plusSeconds(120), ZoneOffset.UTC));
        assertEquals(
                Duration.ofSeconds(120),
                HttpErrors.retryAfter(null, inTwoMinutes, clock).orElseThrow());
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(now.minusSeconds(5), ZoneOffset.UTC));
        assertEquals(Duration.ZERO, HttpErrors.retryAfter(null, past, clock).orElseThrow());
        Duration live = HttpErrors.retryAfter(headers(Map.of(
                        "retry-after",
                        List.of(DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120))))))
                .orElseThrow();
        assertTrue(live.getSeconds() > 60 && live.getSeconds() <= 120, live.toString());
        assertFalse(HttpErrors.retryAfter(null, "soon").isPresent());
        assertFalse(HttpErrors.retryAfter("-1", "-2").isPresent());
        assertFalse(HttpErrors.retryAfter((HttpHeaders) null).isPresent());
        assertFalse(HttpErrors.retryAfter(headers(Map.of())).isPresent());
    }

    @Test
    void describesAnswers() {
        assertEquals(
                "upstream answered HTTP 400 (invalid_request_error/bad_param): no",
                HttpErrors.describe(400, "invalid_request_error", "bad_param", "no", "{}"));
        assertEquals("upstream answered HTTP 404 (x)", HttpErrors.describe(404, null, "x", null, null));
        assertEquals(
                "upstream answered HTTP 502: <html>bad</html>",
                HttpErrors.describe(502, null, null, null, "  <html>bad</html>\n"));
        String longBody = "x".repeat(1000);
        assertEquals(HttpErrors.SNIPPET + 3, HttpErrors.snippet(longBody).length());
        assertEquals("", HttpErrors.snippet(null));
    }

    @Test
    void mapsFailuresWithoutAnAnswerAndRedacts() {
        Secret secret = Secret.of("sk-very-secret-1234");
        assertEquals(
                ErrorKind.CONNECTION,
                HttpErrors.fromThrowable(new HttpConnectTimeoutException("t"), secret)
                        .kind());
        assertEquals(
                ErrorKind.TIMEOUT,
                HttpErrors.fromThrowable(new CompletionException(new HttpTimeoutException("t")), secret)
                        .kind());
        LlmException refused = HttpErrors.fromThrowable(new ConnectException("refused sk-very-secret-1234"), secret);
        assertEquals(ErrorKind.CONNECTION, refused.kind());
        assertFalse(refused.getMessage().contains("sk-very-secret-1234"), refused.getMessage());
        assertEquals(
                ErrorKind.CONNECTION,
                HttpErrors.fromThrowable(new IOException("reset"), secret).kind());
        assertEquals(
                ErrorKind.UNAVAILABLE,
                HttpErrors.fromThrowable(new CancellationException(), secret).kind());
        assertEquals(
                ErrorKind.UPSTREAM,
                HttpErrors.fromThrowable(new IllegalStateException("?"), null).kind());
        LlmException original = new LlmException(ErrorKind.NOT_FOUND, "x");
        assertSame(original, HttpErrors.fromThrowable(new CompletionException(original), secret));
        LlmException malformed = HttpErrors.malformed("chat completion", "not json", null);
        assertEquals(ErrorKind.UPSTREAM, malformed.kind());
        assertEquals(200, malformed.upstreamStatus());
        assertTrue(malformed.getMessage().contains("malformed chat completion"));
    }
}
