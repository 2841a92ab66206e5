package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.openai.internal.TestSupport.ask;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTP failures, malformed answers, timeouts and the retry policy, against aimock. */
class ErrorsAndRetriesTest {

    private static MockUpstream upstream;
    private static OpenAiChatModel noRetries;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("status 400").error(400, "invalid_request_error", "bad field"))
                .fixture(Fixture.whenUserSays("too long")
                        .error(400, "invalid_request_error", "This model's maximum context length is 128000 tokens.")
                        .errorCode("context_length_exceeded"))
                .fixture(Fixture.whenUserSays("status 401").error(401, "invalid_request_error", "bad key"))
                .fixture(Fixture.whenUserSays("status 403").error(403, "permission_error", "not allowed"))
                .fixture(Fixture.whenUserSays("status 404")
                        .error(404, "invalid_request_error", "no such model")
                        .errorCode("model_not_found"))
                .fixture(Fixture.whenUserSays("status 429")
                        .error(429, "rate_limit_error", "slow down")
                        .retryAfterSeconds(0))
                .fixture(Fixture.whenUserSays("status 500").error(500, "server_error", "oops"))
                .fixture(Fixture.whenUserSays("status 502").error(502, "server_error", "bad gateway"))
                .fixture(Fixture.whenUserSays("status 503").error(503, "server_error", "overloaded"))
                .fixture(Fixture.whenUserSays("status 504").error(504, "server_error", "gateway timeout"))
                .fixture(Fixture.whenUserSays("status 529").error(529, "overloaded_error", "overloaded"))
                .fixture(Fixture.whenUserSays("retry me")
                        .sequenceIndex(0)
                        .error(429, "rate_limit_error", "slow down")
                        .retryAfterSeconds(2))
                .fixture(Fixture.whenUserSays("retry me").sequenceIndex(1).reply("made it"))
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
                .fixture(Fixture.whenUserSays("quota")
                        .error(429, "insufficient_quota", "You exceeded your quota")
                        .errorCode("insufficient_quota"))
                .fixture(Fixture.whenUserSays("garbled").reply("x").chaos(Chaos.malformed()))
                .fixture(Fixture.whenUserSays("dropped").reply("x").chaos(Chaos.drop()))
                .fixture(Fixture.whenUserSays("slow").reply("late").chaos(Chaos.latency(5_000)))
                .fixture(Fixture.whenUserSays("plain").reply("fine"))
                .start();
        noRetries = new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(noRetries, upstream);
    }

    private static long requestsFor(String text) {
        return upstream.requestsContaining("/v1/chat/completions", text);
    }

    @ParameterizedTest
    @CsvSource({
        "status 400, INVALID_REQUEST, 400",
        "too long, CONTEXT_LENGTH, 400",
        "status 401, AUTHENTICATION, 401",
        "status 403, PERMISSION, 403",
        "status 404, NOT_FOUND, 404",
        "status 429, RATE_LIMITED, 429",
        "status 500, UPSTREAM, 500",
        "status 502, UPSTREAM, 502",
        "status 503, OVERLOADED, 503",
        "status 504, UPSTREAM, 504",
        "status 529, OVERLOADED, 529",
        "no fixture matches this, NOT_FOUND, 404",
        "dropped, UPSTREAM, 500",
    })
    void mapsHttpErrors(String message, ErrorKind kind, int status) {
        LlmException e = assertThrows(LlmException.class, () -> noRetries.complete(ask("gpt-4o", message)));
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(status, e.upstreamStatus());
        assertTrue(e.getMessage().startsWith("upstream answered HTTP " + status), e.getMessage());
    }

    @Test
    void carriesTheRetryAfterHint() {
        LlmException e = assertThrows(LlmException.class, () -> noRetries.complete(ask("gpt-4o", "wait a minute")));
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofSeconds(60), e.retryAfter());
    }

    @Test
    void retriesA429HonouringRetryAfterThenSucceeds() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel model =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 2)), delayer)) {
            assertEquals("made it", model.complete(ask("gpt-4o", "retry me")).text());
        }
        assertEquals(java.util.List.of(Duration.ofSeconds(2)), delayer.delays);
        assertEquals(2, requestsFor("retry me"));
    }

    @Test
    void doesNotRetryA400() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel model =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 3)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("gpt-4o", "invalid once")));
            assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        }
        assertTrue(delayer.delays.isEmpty());
        assertEquals(1, requestsFor("invalid once"));
    }

    @Test
    void exhaustedRetriesAreRateLimited() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel model =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 2)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("gpt-4o", "always limited")));
            assertEquals(ErrorKind.RATE_LIMITED, e.kind());
            assertEquals(Duration.ofSeconds(1), e.retryAfter());
        }
        assertEquals(java.util.List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), delayer.delays);
        assertEquals(3, requestsFor("always limited"));
    }

    @Test
    void retryAfterBeyondTheMaxDelayIsNotWaitedFor() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel model = new OpenAiChatModel(
                TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 2, "retryMaxDelayMs", 5_000)),
                delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("gpt-4o", "wait a minute")));
            assertEquals(Duration.ofSeconds(60), e.retryAfter());
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void exhaustedQuotaIsNotRetried() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel model =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 2)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("gpt-4o", "quota")));
            assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void serverErrorsWithoutHintBackOffWithJitterThenSucceed() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel model = new OpenAiChatModel(
                TestSupport.settings(
                        upstream.openAiBaseUrl(),
                        Map.of("maxRetries", 3, "retryBaseDelayMs", 100, "retryMaxDelayMs", 150)),
                delayer)) {
            upstream.failNext(2, 503, "server_error", "maintenance");
            assertEquals("fine", model.complete(ask("gpt-4o", "plain")).text());
        }
        assertEquals(2, delayer.delays.size());
        // full jitter: [0, 100] then [0, min(150, 200)]
        assertTrue(delayer.delays.get(0).toMillis() <= 100, delayer.delays.toString());
        assertTrue(delayer.delays.get(1).toMillis() <= 150, delayer.delays.toString());
    }

    @Test
    void malformedBodyIsUpstreamAndNotRetried() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel model =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 2)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("gpt-4o", "garbled")));
            assertEquals(ErrorKind.UPSTREAM, e.kind());
            assertTrue(e.getMessage().contains("malformed chat completion"), e.getMessage());
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void latencyBeyondTheRequestTimeoutIsTimeout() {
        try (OpenAiChatModel model =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("requestTimeoutMs", 300)))) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("gpt-4o", "slow")));
            assertEquals(ErrorKind.TIMEOUT, e.kind());
            assertTrue(e.retryable());
            assertEquals(0, e.upstreamStatus());
        }
    }

    @Test
    void unreachableUpstreamIsConnection() {
        String deadBase;
        try (MockUpstream dead = MockUpstream.start()) {
            deadBase = dead.openAiBaseUrl();
        }
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel model =
                new OpenAiChatModel(TestSupport.settings(deadBase, Map.of("maxRetries", 1)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("gpt-4o", "anyone?")));
            assertEquals(ErrorKind.CONNECTION, e.kind());
            assertTrue(e.retryable());
            assertNull(e.retryAfter());
        }
        assertEquals(1, delayer.delays.size(), "a connection failure is retried");
    }
}
