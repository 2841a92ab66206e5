package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blocking completions that fail against aimock: how HTTP errors, faults and timeouts map to {@link ErrorKind}s, and
 * which of them are retried, after which delay. A provider adds its own error answers with
 * {@link #providerHttpErrors()} (and their fixtures with {@link #providerFixtures()}).
 *
 * @param <M> the provider's chat model
 */
public abstract class ErrorsAndRetriesScenarios<M extends ChatModel & AutoCloseable> extends ProviderScenarios<M> {

    /** The statuses every provider maps the same way, with the kind they map to. */
    private static final Map<Integer, ErrorKind> STATUSES = Map.of(
            400, ErrorKind.INVALID_REQUEST,
            401, ErrorKind.AUTHENTICATION,
            403, ErrorKind.PERMISSION,
            404, ErrorKind.NOT_FOUND,
            429, ErrorKind.RATE_LIMITED,
            500, ErrorKind.UPSTREAM,
            503, ErrorKind.OVERLOADED,
            529, ErrorKind.OVERLOADED);

    protected ErrorsAndRetriesScenarios(ProviderUnderTest<M> provider) {
        super(provider);
    }

    /** How the provider's message for a 200 answer that is not the JSON it expects begins. */
    protected abstract String malformedAnswer();

    /**
     * The provider's own error answers for {@link #mapsHttpErrors}: (what the user says, the {@link ErrorKind}, the
     * upstream status, a text the message contains). Their fixtures come from {@link #providerFixtures()}.
     */
    protected Stream<Arguments> providerHttpErrors() {
        return Stream.empty();
    }

    @Override
    protected List<Fixture> scenarioFixtures() {
        List<Fixture> fixtures = new ArrayList<>();
        for (int status : STATUSES.keySet()) {
            Fixture answer = failing("status " + status, status);
            fixtures.add(status == 429 ? answer.retryAfterSeconds(0) : answer);
        }
        fixtures.addAll(List.of(
                failing("retry me", 429).sequenceIndex(0).retryAfterSeconds(2),
                Fixture.whenUserSays("retry me").sequenceIndex(1).reply("made it"),
                failing("invalid once", 400).sequenceIndex(0),
                Fixture.whenUserSays("invalid once").sequenceIndex(1).reply("should not be reached"),
                failing("always limited", 429).retryAfterSeconds(1),
                failing("wait a minute", 429).retryAfterSeconds(60),
                failing("crash", 500),
                Fixture.whenUserSays("garbled").reply("x").chaos(Chaos.malformed()),
                Fixture.whenUserSays("dropped").reply("x").chaos(Chaos.drop()),
                Fixture.whenUserSays("hung up").reply("x").chaos(Chaos.disconnect()),
                Fixture.whenUserSays("slow").reply("late").chaos(Chaos.latency(5_000)),
                Fixture.whenUserSays("plain").reply("fine")));
        return fixtures;
    }

    /** The error answers of {@link #mapsHttpErrors}: the shared statuses, aimock's own, then the provider's. */
    final Stream<Arguments> httpErrors() {
        Stream<Arguments> shared = STATUSES.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> Arguments.of("status " + e.getKey(), e.getValue(), e.getKey(), envelopeText(e.getKey())));
        Stream<Arguments> aimock = Stream.of(
                Arguments.of("no fixture matches this", ErrorKind.NOT_FOUND, 404, "No fixture matched"),
                Arguments.of("dropped", ErrorKind.UPSTREAM, 500, "Chaos: request dropped"));
        return Stream.of(shared, aimock, providerHttpErrors()).flatMap(s -> s);
    }

    /** How the message shows the envelope of {@link #failing}: {@code (type): message}, or the message alone. */
    private String envelopeText(int status) {
        String type = provider.errorType(status);
        String message = provider.errorMessage(status);
        return type == null ? ": " + message : "(" + type + "): " + message;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("httpErrors")
    void mapsHttpErrors(String userSays, ErrorKind kind, int status, String text) {
        LlmException e = assertThrows(LlmException.class, () -> model().complete(ask(userSays)));
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(status, e.upstreamStatus());
        assertTrue(e.getMessage().startsWith(provider.answeredHttp(baseUrl(), status)), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertEquals(kind.retryable(), e.retryable());
    }

    @Test
    void carriesTheRetryAfterHint() {
        LlmException e = failureOf(model(), ask("wait a minute"));
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofSeconds(60), e.retryAfter());
    }

    @Test
    void retriesA429HonouringRetryAfterThenSucceeds() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            assertEquals("made it", retrying.complete(ask("retry me")).text());
        }
        assertEquals(List.of(Duration.ofSeconds(2)), delayer.delays);
        assertEquals(2, requestsFor("retry me"));
    }

    @Test
    void doesNotRetryA400() throws Exception {
        LlmException e = failsWithoutRetrying("invalid once");
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals(400, e.upstreamStatus());
        assertTrue(e.getMessage().contains(provider.errorMessage(400)), e.getMessage());
    }

    @Test
    void exhaustedRetriesReportTheLastFailure() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            LlmException e = failureOf(retrying, ask("always limited"));
            assertEquals(ErrorKind.RATE_LIMITED, e.kind());
            assertEquals(Duration.ofSeconds(1), e.retryAfter());
        }
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), delayer.delays);
        assertEquals(3, requestsFor("always limited"));
    }

    @Test
    void retryAfterBeyondTheMaxDelayIsNotWaitedFor() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = newModel(Map.of("maxRetries", 2, "retryMaxDelayMs", 5_000), delayer)) {
            LlmException e = failureOf(retrying, ask("wait a minute"));
            assertEquals(Duration.ofSeconds(60), e.retryAfter());
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void serverErrorsWithoutAHintBackOffWithJitterThenSucceed() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = newModel(Map.of("maxRetries", 3, "retryBaseDelayMs", 100, "retryMaxDelayMs", 150), delayer)) {
            upstream().clearJournal();
            failNext(2, 503, "maintenance");
            assertEquals("fine", retrying.complete(ask("plain")).text());
        }
        assertEquals(2, delayer.delays.size());
        // full jitter: [0, 100] then [0, min(150, 200)]
        assertTrue(delayer.delays.get(0).toMillis() <= 100, delayer.delays.toString());
        assertTrue(delayer.delays.get(1).toMillis() <= 150, delayer.delays.toString());
        assertEquals(3, chatRequests());
    }

    @Test
    void aOneShotRateLimitIsRetriedAfterTheServersDelay() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            upstream().clearJournal();
            failNext(1, 429, "slow down");
            assertEquals("fine", retrying.complete(ask("plain")).text());
        }
        assertEquals(List.of(Duration.ofSeconds(1)), delayer.delays, "aimock's Retry-After: 1");
        assertEquals(2, chatRequests());
    }

    @Test
    void retriesUsedUpReportTheLastFailure() throws Exception {
        try (M retrying = retrying(2, new RecordingDelayer())) {
            upstream().clearJournal();
            failNext(3, 503, "server busy, please try again");
            LlmException e = failureOf(retrying, ask("plain"));
            assertEquals(ErrorKind.OVERLOADED, e.kind());
            assertTrue(e.retryable());
        }
        assertEquals(3, chatRequests());
    }

    @Test
    void aServerErrorIsUpstreamAndRetried() throws Exception {
        try (M retrying = retrying(2, new RecordingDelayer())) {
            LlmException e = failureOf(retrying, ask("crash"));
            assertEquals(ErrorKind.UPSTREAM, e.kind());
            assertEquals(500, e.upstreamStatus());
            assertTrue(e.getMessage().contains(provider.errorMessage(500)), e.getMessage());
        }
        assertEquals(3, requestsFor("crash"));
    }

    @Test
    void malformedBodyIsUpstreamAndNotRetried() throws Exception {
        LlmException e = failsWithoutRetrying("garbled");
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        assertEquals(200, e.upstreamStatus());
        assertTrue(e.getMessage().startsWith(malformedAnswer()), e.getMessage());
    }

    @Test
    void aDroppedConnectionIsConnectionAndRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            LlmException e = failureOf(retrying, ask("hung up"));
            assertEquals(ErrorKind.CONNECTION, e.kind());
        }
        assertEquals(2, delayer.delays.size());
    }

    @Test
    void latencyBeyondTheRequestTimeoutIsTimeout() throws Exception {
        try (M impatient = newModel(Map.of("requestTimeoutMs", 300))) {
            LlmException e = failureOf(impatient, ask("slow"));
            assertEquals(ErrorKind.TIMEOUT, e.kind());
            assertTrue(e.retryable());
            assertEquals(0, e.upstreamStatus());
        }
    }

    @Test
    void unreachableUpstreamIsConnectionAndRetried() throws Exception {
        String deadBase = provider.baseUrl("http://127.0.0.1:" + ProviderTests.closedPort());
        RecordingDelayer delayer = new RecordingDelayer();
        try (M offline = provider.chatModel(deadBase, Map.of("maxRetries", 1), delayer)) {
            LlmException e = failureOf(offline, ask("anyone?"));
            assertEquals(ErrorKind.CONNECTION, e.kind());
            assertTrue(e.retryable());
            assertNull(e.retryAfter());
            assertEquals(0, e.upstreamStatus());
        }
        assertEquals(1, delayer.delays.size(), "a refused connection is retried");
    }
}
