package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.TestSupport.MODEL;
import static dev.caracal.llm.anthropic.internal.TestSupport.streamed;
import static dev.caracal.llm.testkit.ProviderTests.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.Usage;
import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.RecordingDelayer;
import dev.caracal.llm.testkit.StreamCanceller;
import dev.caracal.llm.testkit.StreamRecorder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streamed messages against aimock's Anthropic SSE: deltas, tool_use, usage, faults, retries, cancellation. */
class StreamingTest {

    private static final String STORY = "The quick brown fox jumps over the lazy dog, again and again, all day long.";

    private static MockUpstream upstream;
    private static AnthropicChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("tell a story")
                        .reply(STORY)
                        .chunkSize(8)
                        .usage(21, 17)
                        .responseId("msg_story"))
                .fixture(Fixture.whenUserSays("weather")
                        .toolCall("toolu_9", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}")
                        .chunkSize(7))
                .fixture(Fixture.whenUserSays("both")
                        .reply("Checking.")
                        .toolCall("toolu_7", "get_weather", "{\"city\":\"Oslo\"}")
                        .chunkSize(5))
                .fixture(Fixture.whenUserSays("cut me")
                        .reply(STORY)
                        .chunkSize(4)
                        .latencyPerChunkMs(5)
                        .truncateAfterChunks(4))
                .fixture(Fixture.whenUserSays("overloaded first")
                        .sequenceIndex(0)
                        .error(529, "overloaded_error", "Overloaded"))
                .fixture(Fixture.whenUserSays("overloaded first")
                        .sequenceIndex(1)
                        .reply("recovered")
                        .chunkSize(3))
                .fixture(Fixture.whenUserSays("always overloaded").error(529, "overloaded_error", "Overloaded"))
                .fixture(Fixture.whenUserSays("garbled").reply("x").chaos(Chaos.malformed()))
                .fixture(Fixture.whenUserSays("endless story")
                        .reply(STORY.repeat(20))
                        .chunkSize(2)
                        .latencyPerChunkMs(20))
                .fixture(Fixture.whenUserSays("sluggish")
                        .reply(STORY)
                        .chunkSize(10)
                        .latencyPerChunkMs(3_000))
                .fixture(Fixture.whenUserSays("plain").reply("fine").chunkSize(2))
                .start();
        model = new AnthropicChatModel(TestSupport.settings(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    private static long requestsFor(String text) {
        return upstream.requestsContaining("/v1/messages", text);
    }

    static void kind(StreamEvent event, ErrorKind kind) {
        LlmException e = assertInstanceOf(StreamEvent.Error.class, event).error();
        assertEquals(kind, e.kind(), e.getMessage());
    }

    @Test
    void streamsTextDeltasAndUsage() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(streamed("tell a story"), events);
        events.await();
        StreamEvent.Start start = assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
        assertEquals("msg_story", start.id());
        assertEquals(MODEL, start.model());
        assertEquals(STORY, events.text());
        assertTrue(events.of(StreamEvent.TextDelta.class).size() > 5, "chunked: " + events.events);
        assertTrue(events.of(StreamEvent.TextDelta.class).stream().allMatch(d -> d.index() == 0));
        assertEquals(
                List.of(new StreamEvent.UsageUpdate(new Usage(21, 17, 0, 0))),
                events.of(StreamEvent.UsageUpdate.class));
        assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
        assertTrue(upstream.journal("/v1/messages").stream()
                .anyMatch(e -> e.body().path("stream").asBoolean()));
    }

    @Test
    void streamsToolUseDeltas() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(
                new ChatRequest(
                        MODEL,
                        null,
                        List.of(Message.user("weather in Paris?")),
                        List.of(new ToolDefinition("get_weather", null, null)),
                        null,
                        null,
                        null,
                        true,
                        null),
                events);
        events.await();
        List<StreamEvent.ToolCallDelta> deltas = events.of(StreamEvent.ToolCallDelta.class);
        assertTrue(deltas.size() > 2, "argument fragments: " + deltas);
        assertEquals("toolu_9", deltas.get(0).id());
        assertEquals("get_weather", deltas.get(0).name());
        for (StreamEvent.ToolCallDelta d : deltas.subList(1, deltas.size())) {
            assertNull(d.id());
            assertNull(d.name());
            assertEquals(0, d.index());
        }
        StringBuilder args = new StringBuilder();
        deltas.forEach(d -> args.append(d.argumentsDelta()));
        assertEquals("{\"city\":\"Paris\",\"unit\":\"celsius\"}", args.toString());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
        assertEquals(1, events.of(StreamEvent.UsageUpdate.class).size());
    }

    @Test
    void textThenToolCallHaveTheirOwnBlockIndexes() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(streamed("both at once"), events);
        events.await();
        assertEquals("Checking.", events.text());
        assertTrue(events.of(StreamEvent.TextDelta.class).stream().allMatch(d -> d.index() == 0));
        List<StreamEvent.ToolCallDelta> calls = events.of(StreamEvent.ToolCallDelta.class);
        assertTrue(calls.stream().allMatch(d -> d.index() == 1), calls.toString());
        assertEquals("toolu_7", calls.get(0).id());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
    }

    @Test
    void disconnectMidStreamIsAnErrorEventAndNotRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel retrying =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 3)), delayer)) {
            StreamRecorder events = new StreamRecorder();
            retrying.stream(streamed("cut me"), events);
            events.await();
            assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
            assertTrue(!events.of(StreamEvent.TextDelta.class).isEmpty(), events.events.toString());
            kind(events.last(), ErrorKind.CONNECTION);
            assertTrue(events.last() instanceof StreamEvent.Error e && e.error().retryable());
        }
        assertTrue(delayer.delays.isEmpty(), "nothing is retried after the first event");
        assertEquals(1, requestsFor("cut me"));
    }

    @Test
    void overloadedBeforeTheFirstEventIsRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel retrying =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer)) {
            StreamRecorder events = new StreamRecorder();
            retrying.stream(streamed("overloaded first"), events);
            events.await();
            assertEquals("recovered", events.text());
            assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
            assertTrue(events.of(StreamEvent.Error.class).isEmpty());
        }
        assertEquals(1, delayer.delays.size());
        assertEquals(2, requestsFor("overloaded first"));
    }

    @Test
    void failureBeforeTheFirstEventIsASingleRetryableError() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel retrying =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer)) {
            StreamRecorder events = new StreamRecorder();
            retrying.stream(streamed("always overloaded"), events);
            events.await();
            assertEquals(1, events.events.size(), events.events.toString());
            kind(events.last(), ErrorKind.OVERLOADED);
            LlmException e = ((StreamEvent.Error) events.last()).error();
            assertEquals(529, e.upstreamStatus());
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("overloaded_error"), e.getMessage());
        }
        assertEquals(2, delayer.delays.size());
        assertEquals(3, requestsFor("always overloaded"));
    }

    @Test
    void oneShotServerErrorsBeforeTheStreamAreRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel retrying =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer)) {
            upstream.failNext(1, 500, "api_error", "Internal server error");
            StreamRecorder events = new StreamRecorder();
            retrying.stream(streamed("plain"), events);
            events.await();
            assertEquals("fine", events.text());
        }
        assertEquals(1, delayer.delays.size());
    }

    @Test
    void malformedStreamIsUpstreamAndNotRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel retrying =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer)) {
            StreamRecorder events = new StreamRecorder();
            retrying.stream(streamed("garbled"), events);
            events.await();
            assertEquals(1, events.events.size());
            kind(events.last(), ErrorKind.UPSTREAM);
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void silenceBeyondTheTimeoutIsTimeout() throws Exception {
        try (AnthropicChatModel impatient =
                new AnthropicChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("requestTimeoutMs", 300)))) {
            StreamRecorder events = new StreamRecorder();
            impatient.stream(streamed("sluggish"), events);
            events.await();
            kind(events.last(), ErrorKind.TIMEOUT);
        }
    }

    @Test
    void cancelStopsTheStreamAndClosesTheConnection() throws Exception {
        upstream.resetStats();
        StreamCanceller canceller = StreamCanceller.atFirstTextDelta(model, streamed("endless story"));
        StreamRecorder seen = canceller.seen();
        StreamHandle h = canceller.handle();
        AtomicReference<Integer> countAtCancel = canceller.countAtCancel();
        eventually(() -> countAtCancel.get() != null, "a first text delta");
        eventually(() -> upstream.stats().inFlight() == 0, "the upstream connection closed");
        assertEquals(countAtCancel.get().intValue(), seen.events.size(), "no event after cancel");
        h.cancel(); // idempotent
        assertTrue(seen.events.stream().noneMatch(e -> e instanceof StreamEvent.End));
    }

    @Test
    void closingTheProviderEndsStreamsInFlight() throws Exception {
        AnthropicChatModel closing = new AnthropicChatModel(TestSupport.settings(upstream.baseUrl()));
        StreamRecorder events = new StreamRecorder();
        closing.stream(streamed("endless story"), events);
        eventually(() -> !events.of(StreamEvent.TextDelta.class).isEmpty(), "a first text delta");
        closing.close();
        events.await();
        kind(events.last(), ErrorKind.UNAVAILABLE);
        StreamRecorder after = new StreamRecorder();
        closing.stream(streamed("plain"), after);
        after.await();
        kind(after.last(), ErrorKind.UNAVAILABLE);
    }
}
