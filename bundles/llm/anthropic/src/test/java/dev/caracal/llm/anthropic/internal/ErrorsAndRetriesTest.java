package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.TestSupport.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.RecordingDelayer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Anthropic error envelopes and statuses, malformed answers, timeouts and the retry policy, against aimock. */
class ErrorsAndRetriesTest {

    private static MockUpstream upstream;
    private static AnthropicChatModel noRetries;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("status 400")
                        .error(400, "invalid_request_error", "messages: text content blocks must be non-empty"))
                .fixture(Fixture.whenUserSays("too long")
                        .error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"))
                .fixture(Fixture.whenUserSays("status 401").error(401, "authentication_error", "invalid x-api-key"))
                .fixture(Fixture.whenUserSays("status 403")
                        .error(
                                403,
                                "permission_error",
                                "Your API key does not have permission to use the specified resource."))
                .fixture(Fixture.whenUserSays("status 404").error(404, "not_found_error", "model: claude-9"))
                .fixture(Fixture.whenUserSays("status 413")
                        .error(413, "request_too_large", "Request exceeds the maximum allowed number of bytes."))
                .fixture(Fixture.whenUserSays("status 429")
                        .error(
                                429,
                                "rate_limit_error",
                                "Number of request tokens has exceeded your per-minute rate limit")
                        .retryAfterSeconds(0))
                .fixture(Fixture.whenUserSays("status 500").error(500, "api_error", "Internal server error"))
                .fixture(Fixture.whenUserSays("status 529").error(529, "overloaded_error", "Overloaded"))
                .fixture(Fixture.whenUserSays("retry me")
                        .sequenceIndex(0)
                        .error(429, "rate_limit_error", "slow down")
                        .retryAfterSeconds(2))
                .fixture(Fixture.whenUserSays("retry me").sequenceIndex(1).reply("made it"))
                .fixture(
                        Fixture.whenUserSays("busy once").sequenceIndex(0).error(529, "overloaded_error", "Overloaded"))
                .fixture(Fixture.whenUserSays("busy once").sequenceIndex(1).reply("served"))
                .fixture(Fixture.whenUserSays("invalid once")
                        .sequenceIndex(0)
                        .error(400, "invalid_request_error", "bad"))
                .fixture(Fixture.whenUserSays("invalid once").sequenceIndex(1).reply("should not be reached"))
                .fixture(Fixture.whenUserSays("always limited")
                        .error(429, "rate_limit_error", "slow down")
                        .retryAfterSeconds(1))
                .fixture(Fixture.whenUserSays("wait a minute")
                        .error(429, "rate_limit_error", "slow down")
                        .retryAfterSeconds(60))
                .fixture(Fixture.whenUserSays("garbled").reply("x").chaos(Chaos.malformed()))
                .fixture(Fixture.whenUserSays("dropped").reply("x").chaos(Chaos.drop()))
                .fixture(Fixture.whenUserSays("slow").reply("late").chaos(Chaos.latency(5_000)))
                .start();
        noRetries = new AnthropicChatModel(TestSupport.settings(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(noRetries, upstream);
    }

    private static long requestsFor(String text) {
        return upstream.requestsContaining("/v1/messages", text);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "status 400 | INVALID_REQUEST | 400 | (invalid_request_error): messages: text content blocks must be non-empty",
                "too long   | CONTEXT_LENGTH  | 400 | prompt is too long",
                "status 401 | AUTHENTICATION  | 401 | (authentication_error): invalid x-api-key",
                "status 403 | PERMISSION      | 403 | (permission_error)",
                "status 404 | NOT_FOUND       | 404 | (not_found_error): model: claude-9",
                "status 413 | INVALID_REQUEST | 413 | (request_too_large)",
                "status 429 | RATE_LIMITED    | 429 | (rate_limit_error)",
                "status 500 | UPSTREAM        | 500 | (api_error): Internal server error",
                "status 529 | OVERLOADED      | 529 | (overloaded_error): Overloaded",
                "no fixture matches this | NOT_FOUND | 404 | No fixture matched",
                "dropped    | UPSTREAM        | 500 | upstream answered HTTP 500",
            })
    void mapsHttpErrors(String message, ErrorKind kind, int status, String text) {
        LlmException e = assertThrows(LlmException.class, () -> noRetries.complete(ask(message)));
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(status, e.upstreamStatus());
        assertTrue(e.getMessage().startsWith("upstream answered HTTP " + status), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertEquals(kind.retryable(), e.retryable());
    }

    @Test
    void carriesTheRetryAfterHint() {
        LlmException e = assertThrows(LlmException.class, () -> noRetries.complete(ask("wait a minute")));
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofSeconds(60), e.retryAfter());
    }

    @Test
    void retriesA429HonouringRetryAfterThenSucceeds() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel model =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer)) {
            assertEquals("made it", model.complete(ask("retry me")).text());
        }
        assertEquals(List.of(Duration.ofSeconds(2)), delayer.delays);
        assertEquals(2, requestsFor("retry me"));
    }

    @Test
    void retriesA529OverloadedWithBackoff() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel model = new AnthropicChatModel(
                TestSupport.settings(
                        upstream.baseUrl(), Map.of("maxRetries", 2, "retryBaseDelayMs", 100, "retryMaxDelayMs", 1_000)),
                delayer)) {
            assertEquals("served", model.complete(ask("busy once")).text());
        }
        assertEquals(1, delayer.delays.size());
        assertTrue(delayer.delays.get(0).toMillis() <= 100, "full jitter in [0, base]: " + delayer.delays);
        assertEquals(2, requestsFor("busy once"));
    }

    @Test
    void doesNotRetryA400() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel model =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 3)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("invalid once")));
            assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        }
        assertTrue(delayer.delays.isEmpty());
        assertEquals(1, requestsFor("invalid once"));
    }

    @Test
    void exhaustedRetriesReportTheLastFailure() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel model =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("always limited")));
            assertEquals(ErrorKind.RATE_LIMITED, e.kind());
            assertEquals(Duration.ofSeconds(1), e.retryAfter());
        }
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), delayer.delays);
        assertEquals(3, requestsFor("always limited"));
    }

    @Test
    void retryAfterBeyondTheMaxDelayIsNotWaitedFor() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel model = new AnthropicChatModel(
                TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2, "retryMaxDelayMs", 5_000)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("wait a minute")));
            assertEquals(Duration.ofSeconds(60), e.retryAfter());
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void malformedBodyIsUpstreamAndNotRetried() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel model =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("garbled")));
            assertEquals(ErrorKind.UPSTREAM, e.kind());
            assertEquals(200, e.upstreamStatus());
            assertTrue(e.getMessage().contains("malformed message"), e.getMessage());
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void latencyBeyondTheRequestTimeoutIsTimeout() {
        try (AnthropicChatModel model =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("requestTimeoutMs", 300)))) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("slow")));
            assertEquals(ErrorKind.TIMEOUT, e.kind());
            assertTrue(e.retryable());
            assertEquals(0, e.upstreamStatus());
        }
    }

    @Test
    void unreachableUpstreamIsConnectionAndRetried() {
        String deadBase;
        try (MockUpstream dead = MockUpstream.start()) {
            deadBase = dead.baseUrl();
        }
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel model =
                new AnthropicChatModel(TestSupport.settings(deadBase, Map.of("maxRetries", 1)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("anyone?")));
            assertEquals(ErrorKind.CONNECTION, e.kind());
            assertTrue(e.retryable());
            assertNull(e.retryAfter());
        }
        assertEquals(1, delayer.delays.size());
    }
}
