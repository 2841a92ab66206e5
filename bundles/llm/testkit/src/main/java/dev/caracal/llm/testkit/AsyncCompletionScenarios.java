package dev.caracal.llm.testkit;

import static dev.caracal.llm.testkit.ProviderTests.answerAsync;
import static dev.caracal.llm.testkit.ProviderTests.assertSameFailure;
import static dev.caracal.llm.testkit.ProviderTests.failureAsync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.ToolDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code completeAsync} against aimock: the answers and failures of {@code complete}, without a thread per call.
 *
 * @param <M> the provider's chat model
 */
public abstract class AsyncCompletionScenarios<M extends ChatModel & AutoCloseable> extends ProviderScenarios<M> {

    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

    protected AsyncCompletionScenarios(ProviderUnderTest<M> provider) {
        super(provider);
    }

    @Override
    protected List<Fixture> scenarioFixtures() {
        return List.of(
                Fixture.whenUserSays("hello").reply("Hi there!").usage(12, 3).responseId(wire.answerId("async")),
                Fixture.whenUserSays("weather")
                        .toolCall(wire.toolCallId("w1"), "get_weather", "{\"city\":\"Paris\"}")
                        .usage(20, 5),
                failing("retry me", 429).sequenceIndex(0).retryAfterSeconds(2),
                Fixture.whenUserSays("retry me").sequenceIndex(1).reply("made it"),
                failing("status 400", 400),
                failing("status 401", 401),
                Fixture.whenUserSays("slow").reply("late").chaos(Chaos.latency(5_000)),
                // held long enough that all 200 are still in flight when the last is sent, on a busy machine too
                Fixture.whenUserSays("crowd").reply("served").chaos(Chaos.latency(5_000)));
    }

    @Test
    void answersTextAndUsageLikeComplete() throws Exception {
        ChatResponse async = answerAsync(model(), ask("hello"));
        assertEquals("Hi there!", async.text());
        assertEquals(wire.usage(12, 3), async.usage());
        assertEquals(StopReason.END_TURN, async.stopReason());
        wire.assertAnswerId("async", async.id());
        ChatResponse blocking = model().complete(ask("hello"));
        assertEquals(blocking.content(), async.content());
        assertEquals(blocking.usage(), async.usage());
        assertEquals(blocking.model(), async.model());
        if (wire.carriesIds()) {
            assertEquals(blocking, async, "the same answer, id and all");
        }
    }

    @Test
    void answersToolCallsLikeComplete() throws Exception {
        ChatRequest request = request()
                .user("weather in Paris?")
                .tools(new ToolDefinition("get_weather", "Current weather", WEATHER_SCHEMA))
                .build();
        ChatResponse async = answerAsync(model(), request);
        assertEquals(StopReason.TOOL_USE, async.stopReason());
        ContentPart.ToolUse call =
                assertInstanceOf(ContentPart.ToolUse.class, async.content().get(0));
        wire.assertToolCallId("w1", call.id());
        assertEquals("get_weather", call.name());
        assertEquals(wire.usage(20, 5).inputTokens(), async.usage().inputTokens());
        ChatResponse blocking = model().complete(request);
        assertEquals(blocking.content(), async.content());
        assertEquals(blocking.usage(), async.usage());
        List<JournalEntry> sent = upstream().journal(wire.chatPath());
        assertEquals(sent.get(sent.size() - 1).body(), sent.get(sent.size() - 2).body(), "the same request body");
    }

    @Test
    void retriesA429HonouringRetryAfterThenSucceeds() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            assertEquals("made it", answerAsync(retrying, ask("retry me")).text());
        }
        assertEquals(List.of(Duration.ofSeconds(2)), delayer.delays);
        assertEquals(2, requestsFor("retry me"));
    }

    @Test
    void failsA400Or401WithoutRetryingAsCompleteDoes() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(3, delayer)) {
            LlmException invalid = failureAsync(retrying, ask("status 400"));
            assertEquals(ErrorKind.INVALID_REQUEST, invalid.kind());
            assertEquals(1, requestsFor("status 400"));
            assertSameFailure(failureOf(retrying, ask("status 400")), invalid);

            LlmException unauthorized = failureAsync(retrying, ask("status 401"));
            assertEquals(ErrorKind.AUTHENTICATION, unauthorized.kind());
            assertEquals(1, requestsFor("status 401"));
            assertSameFailure(failureOf(retrying, ask("status 401")), unauthorized);
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void noAnswerWithinTheRequestTimeoutIsTimeout() throws Exception {
        try (M impatient = newModel(Map.of("requestTimeoutMs", 300))) {
            LlmException e = failureAsync(impatient, ask("slow"));
            assertEquals(ErrorKind.TIMEOUT, e.kind());
            assertEquals(0, e.upstreamStatus());
            assertSameFailure(failureOf(impatient, ask("slow")), e);
        }
    }

    @Test
    void aClosedProviderFailsUnavailableAsCompleteDoes() throws Exception {
        M closed = newModel(Map.of());
        closed.close();
        CompletableFuture<ChatResponse> call =
                closed.completeAsync(ask("hello")).toCompletableFuture();
        assertTrue(call.isCompletedExceptionally(), "failed when returned");
        LlmException e = failureAsync(closed, ask("hello"));
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertEquals("provider " + provider.providerId() + " is stopped", e.getMessage());
        assertSameFailure(failureOf(closed, ask("hello")), e);
    }

    @Test
    void twoHundredCallsFromOneThreadAreAllInFlightAtOnce() throws Exception {
        upstream().resetStats();
        List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            CompletableFuture<ChatResponse> call =
                    model().completeAsync(ask("crowd " + i)).toCompletableFuture();
            assertFalse(call.isDone(), "call " + i + " returned before its answer: it held the caller");
            calls.add(call);
        }
        for (CompletableFuture<ChatResponse> call : calls) {
            assertEquals("served", call.get(30, TimeUnit.SECONDS).text());
        }
        assertEquals(200, upstream().stats().maxInFlight(), "the upstream had all of them at once");
    }
}
