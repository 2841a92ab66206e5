package dev.caracal.llm.ollama.internal;

import static dev.caracal.llm.ollama.internal.TestSupport.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.RecordingDelayer;
import dev.caracal.llm.testkit.StreamRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP errors, faults and refused connections, mapped to ErrorKinds, and what is retried. */
class ErrorsAndRetriesTest {

    private static MockUpstream upstream;
    private static RecordingDelayer delayer;
    private static OllamaChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("missing model")
                        .error(404, null, "model 'llama9' not found, try pulling it first"))
                .fixture(Fixture.whenUserSays("bad request").error(400, null, "invalid option num_ctx"))
                .fixture(Fixture.whenUserSays("too long")
                        .error(400, null, "the input length exceeds the context length"))
                .fixture(Fixture.whenUserSays("crash").error(500, null, "llama runner process has terminated"))
                .fixture(Fixture.whenUserSays("slow").reply("late").chaos(Chaos.latency(3_000)))
                .fixture(Fixture.whenUserSays("hello").reply("Hi there!"))
                .start();
        delayer = new RecordingDelayer();
        model = new OllamaChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer);
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    @BeforeEach
    void clean() {
        upstream.clearJournal();
        delayer.delays.clear();
    }

    @AfterEach
    void calm() {
        upstream.clearChaos();
    }

    private static LlmException failure(String userText) {
        return assertThrows(LlmException.class, () -> model.complete(ask(userText)));
    }

    private static int chatRequests() {
        return upstream.journal("/api/chat").size();
    }

    @Test
    void modelNotFoundSaysHowToPullIt() {
        LlmException e = failure("missing model");
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals(404, e.upstreamStatus());
        assertTrue(e.getMessage().contains("model 'llama9' not found"), e.getMessage());
        assertTrue(e.getMessage().contains("ollama pull"), e.getMessage());
        assertEquals(1, chatRequests(), "not retried");
    }

    @Test
    void aBadRequestIsNotRetried() {
        LlmException e = failure("bad request");
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals(400, e.upstreamStatus());
        assertTrue(e.getMessage().contains("invalid option num_ctx"), e.getMessage());
        assertEquals(1, chatRequests());
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void aContextOverflowIsContextLength() {
        assertEquals(ErrorKind.CONTEXT_LENGTH, failure("too long").kind());
    }

    @Test
    void rateLimitIsRetriedAfterTheServersDelayThenSucceeds() {
        upstream.failNext(1, 429, "rate_limit_error", "slow down");
        assertEquals("Hi there!", model.complete(ask("hello")).text());
        assertEquals(List.of(Duration.ofSeconds(1)), delayer.delays, "aimock's Retry-After: 1");
        assertEquals(2, chatRequests());
    }

    @Test
    void unavailableIsRetriedWithBackoffThenSucceeds() {
        upstream.failNext(2, 503, "server_error", "server busy, please try again");
        assertEquals("Hi there!", model.complete(ask("hello")).text());
        assertEquals(2, delayer.delays.size());
        assertEquals(3, chatRequests());
    }

    @Test
    void retriesUsedUpReportTheLastFailure() {
        upstream.failNext(3, 503, "server_error", "server busy, please try again");
        LlmException e = failure("hello");
        assertEquals(ErrorKind.OVERLOADED, e.kind());
        assertTrue(e.retryable());
        assertEquals(3, chatRequests());
    }

    @Test
    void aServerErrorIsUpstreamAndRetried() {
        LlmException e = failure("crash");
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        assertEquals(500, e.upstreamStatus());
        assertTrue(e.getMessage().contains("llama runner process has terminated"), e.getMessage());
        assertEquals(3, chatRequests());
    }

    @Test
    void anUnmatchedModelAnswerIsNotFound() {
        // aimock answers 404 to a request no fixture matches, as Ollama does for a model it does not have
        assertEquals(ErrorKind.NOT_FOUND, failure("nothing matches this").kind());
    }

    @Test
    void aMalformedBodyIsUpstreamAndNotRetried() {
        upstream.setChaos(Chaos.malformed());
        LlmException e = failure("hello");
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        assertTrue(e.getMessage().startsWith("malformed chat answer from Ollama"), e.getMessage());
        assertEquals(1, chatRequests());
    }

    @Test
    void aDroppedConnectionIsConnectionAndRetried() {
        upstream.setChaos(Chaos.disconnect());
        LlmException e = failure("hello");
        assertEquals(ErrorKind.CONNECTION, e.kind());
        assertEquals(2, delayer.delays.size());
    }

    @Test
    void noAnswerInTimeIsATimeout() {
        try (OllamaChatModel impatient =
                new OllamaChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("requestTimeoutMs", 300)))) {
            LlmException e = assertThrows(LlmException.class, () -> impatient.complete(ask("slow")));
            assertEquals(ErrorKind.TIMEOUT, e.kind());
            assertTrue(e.retryable());
        }
    }

    @Test
    void ollamaNotRunningIsAConnectionErrorThatSaysSo() throws Exception {
        String base = "http://127.0.0.1:" + TestSupport.closedPort();
        RecordingDelayer delays = new RecordingDelayer();
        try (OllamaChatModel offline =
                new OllamaChatModel(TestSupport.settings(base, Map.of("maxRetries", 1)), delays)) {
            LlmException e = assertThrows(LlmException.class, () -> offline.complete(ask("hello")));
            assertEquals(ErrorKind.CONNECTION, e.kind());
            assertEquals(0, e.upstreamStatus());
            assertTrue(e.getMessage().contains(base), e.getMessage());
            assertTrue(e.getMessage().contains("is Ollama running"), e.getMessage());
            assertEquals(1, delays.delays.size(), "a refused connection is retried");

            StreamRecorder events = new StreamRecorder();
            offline.stream(TestSupport.streamOf("hello"), events);
            events.await();
            assertEquals(1, events.events.size());
            LlmException streamed =
                    assertInstanceOf(StreamEvent.Error.class, events.last()).error();
            assertEquals(ErrorKind.CONNECTION, streamed.kind());
            assertTrue(streamed.getMessage().contains("is Ollama running"), streamed.getMessage());
        }
    }
}
