package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.openai.internal.TestSupport.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.JournalEntry;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.RecordingDelayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code completeAsync} against aimock: the answers and failures of {@code complete}, without a thread per call. */
class AsyncCompletionTest {

    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

    private static MockUpstream upstream;
    private static OpenAiChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("hello")
                        .reply("Hi there!")
                        .usage(12, 3)
                        .responseId("chatcmpl-async"))
                .fixture(Fixture.whenUserSays("weather")
                        .toolCall("call_w1", "get_weather", "{\"city\":\"Paris\"}")
                        .usage(20, 5))
                .fixture(Fixture.whenUserSays("retry me")
                        .sequenceIndex(0)
                        .error(429, "rate_limit_error", "slow down")
                        .retryAfterSeconds(2))
                .fixture(Fixture.whenUserSays("retry me").sequenceIndex(1).reply("made it"))
                .fixture(Fixture.whenUserSays("status 400").error(400, "invalid_request_error", "bad field"))
                .fixture(Fixture.whenUserSays("status 401").error(401, "invalid_request_error", "bad key"))
                .fixture(Fixture.whenUserSays("slow").reply("late").chaos(Chaos.latency(5_000)))
                .fixture(Fixture.whenUserSays("crowd").reply("served").chaos(Chaos.latency(2_000)))
                .start();
        model = new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    private static ChatResponse answer(ChatModel m, ChatRequest request) throws Exception {
        return ProviderTests.answerAsync(m, request);
    }

    private static LlmException failure(ChatModel m, ChatRequest request) {
        return ProviderTests.failureAsync(m, request);
    }

    private static void assertSameFailure(LlmException expected, LlmException actual) {
        ProviderTests.assertSameFailure(expected, actual);
    }

    @Test
    void answersTextAndUsageLikeComplete() throws Exception {
        ChatResponse async = answer(model, ask("gpt-4o", "hello"));
        assertEquals("Hi there!", async.text());
        assertEquals(12, async.usage().inputTokens());
        assertEquals(3, async.usage().outputTokens());
        assertEquals(StopReason.END_TURN, async.stopReason());
        assertEquals(model.complete(ask("gpt-4o", "hello")), async);
    }

    @Test
    void answersToolCallsLikeComplete() throws Exception {
        ToolDefinition weather = new ToolDefinition("get_weather", "Current weather", WEATHER_SCHEMA);
        ChatRequest request = new ChatRequest(
                "gpt-4o",
                null,
                List.of(Message.user("weather in Paris?")),
                List.of(weather),
                null,
                null,
                null,
                false,
                null);
        ChatResponse async = answer(model, request);
        assertEquals(StopReason.TOOL_USE, async.stopReason());
        ContentPart.ToolUse call =
                assertInstanceOf(ContentPart.ToolUse.class, async.content().get(0));
        assertEquals("call_w1", call.id());
        assertEquals("get_weather", call.name());
        assertEquals(20, async.usage().inputTokens());
        ChatResponse blocking = model.complete(request);
        assertEquals(blocking.content(), async.content());
        assertEquals(blocking.usage(), async.usage());
        List<JournalEntry> sent = upstream.journal("/v1/chat/completions");
        assertEquals(sent.get(sent.size() - 1).body(), sent.get(sent.size() - 2).body(), "the same request body");
    }

    @Test
    void retriesA429HonouringRetryAfterThenSucceeds() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel retrying =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 2)), delayer)) {
            assertEquals("made it", answer(retrying, ask("gpt-4o", "retry me")).text());
        }
        assertEquals(List.of(Duration.ofSeconds(2)), delayer.delays);
        assertEquals(2, upstream.requestsContaining("/v1/chat/completions", "retry me"));
    }

    @Test
    void failsA400Or401WithoutRetryingAsCompleteDoes() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel retrying =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 3)), delayer)) {
            LlmException invalid = failure(retrying, ask("gpt-4o", "status 400"));
            assertEquals(ErrorKind.INVALID_REQUEST, invalid.kind());
            assertEquals(1, upstream.requestsContaining("/v1/chat/completions", "status 400"));
            assertSameFailure(
                    assertThrows(LlmException.class, () -> retrying.complete(ask("gpt-4o", "status 400"))), invalid);

            LlmException unauthorized = failure(retrying, ask("gpt-4o", "status 401"));
            assertEquals(ErrorKind.AUTHENTICATION, unauthorized.kind());
            assertEquals(1, upstream.requestsContaining("/v1/chat/completions", "status 401"));
            assertSameFailure(
                    assertThrows(LlmException.class, () -> retrying.complete(ask("gpt-4o", "status 401"))),
                    unauthorized);
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void noAnswerWithinTheRequestTimeoutIsTimeout() {
        try (OpenAiChatModel impatient =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("requestTimeoutMs", 300)))) {
            LlmException e = failure(impatient, ask("gpt-4o", "slow"));
            assertEquals(ErrorKind.TIMEOUT, e.kind());
            assertEquals(0, e.upstreamStatus());
            assertSameFailure(assertThrows(LlmException.class, () -> impatient.complete(ask("gpt-4o", "slow"))), e);
        }
    }

    @Test
    void aClosedProviderFailsUnavailableAsCompleteDoes() {
        OpenAiChatModel closed = new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl()));
        closed.close();
        CompletableFuture<ChatResponse> call =
                closed.completeAsync(ask("gpt-4o", "hello")).toCompletableFuture();
        assertTrue(call.isCompletedExceptionally(), "failed when returned");
        LlmException e = failure(closed, ask("gpt-4o", "hello"));
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertEquals("provider mock is stopped", e.getMessage());
        assertSameFailure(assertThrows(LlmException.class, () -> closed.complete(ask("gpt-4o", "hello"))), e);
    }

    @Test
    void twoHundredCallsFromOneThreadAreAllInFlightAtOnce() throws Exception {
        upstream.resetStats();
        List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            CompletableFuture<ChatResponse> call =
                    model.completeAsync(ask("gpt-4o", "crowd " + i)).toCompletableFuture();
            assertFalse(call.isDone(), "call " + i + " returned before its answer: it held the caller");
            calls.add(call);
        }
        for (CompletableFuture<ChatResponse> call : calls) {
            assertEquals("served", call.get(30, TimeUnit.SECONDS).text());
        }
        assertEquals(200, upstream.stats().maxInFlight(), "the upstream had all of them at once");
    }
}
