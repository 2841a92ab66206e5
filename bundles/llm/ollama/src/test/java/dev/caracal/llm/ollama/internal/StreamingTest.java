package dev.caracal.llm.ollama.internal;

import static dev.caracal.llm.ollama.internal.TestSupport.MODEL;
import static dev.caracal.llm.ollama.internal.TestSupport.streamOf;
import static dev.caracal.llm.testkit.ProviderTests.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.caracal.llm.support.Json;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** NDJSON streams from POST /api/chat with stream:true, normalized into StreamEvents. */
class StreamingTest {

    private static final String STORY = "Once upon a time a small cat found a warm place by the fire and slept.";

    private static MockUpstream upstream;
    private static RecordingDelayer delayer;
    private static OllamaChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("story").reply(STORY).chunkSize(7))
                .fixture(Fixture.whenUserSays("weather")
                        .reply("Let me check.")
                        .chunkSize(5)
                        .toolCall("get_weather", "{\"city\":\"Paris\",\"days\":2}")
                        .toolCall("get_time", "{\"tz\":\"CET\"}"))
                .fixture(Fixture.whenUserSays("cut short")
                        .reply(STORY)
                        .chunkSize(4)
                        .latencyPerChunkMs(5)
                        .truncateAfterChunks(3))
                .fixture(Fixture.whenUserSays("endless")
                        .reply("x".repeat(2_000))
                        .chunkSize(1)
                        .latencyPerChunkMs(20))
                .fixture(Fixture.whenUserSays("garbage").reply("never seen").chaos(Chaos.malformed()))
                .fixture(Fixture.whenUserSays("bad request").error(400, "invalid_request_error", "bad options"))
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

    @Test
    void streamsTextThenUsageThenEnd() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(streamOf("tell a story"), events);
        events.await();
        StreamEvent.Start start = assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
        assertEquals(MODEL, start.model());
        assertTrue(start.id().startsWith("ollama-"));
        assertEquals(STORY, events.text());
        assertTrue(events.of(StreamEvent.TextDelta.class).size() >= 10, "in chunks of 7 characters");
        assertTrue(events.of(StreamEvent.TextDelta.class).stream().allMatch(d -> d.index() == 0));
        // aimock's Ollama surface always reports zero token counts; their decoding is in ResponseMappingTest
        assertEquals(List.of(new StreamEvent.UsageUpdate(Usage.ZERO)), events.of(StreamEvent.UsageUpdate.class));
        assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
        assertInstanceOf(StreamEvent.UsageUpdate.class, events.events.get(events.events.size() - 2));
        assertTrue(upstream.journal("/api/chat").get(0).body().path("stream").asBoolean(), "stream:true sent");
    }

    @Test
    void streamsTextAndWholeToolCalls() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(
                new ChatRequest(
                        MODEL,
                        null,
                        List.of(Message.user("weather please")),
                        List.of(
                                new ToolDefinition("get_weather", null, null),
                                new ToolDefinition("get_time", null, null)),
                        null,
                        null,
                        null,
                        true,
                        null),
                events);
        events.await();
        assertEquals("Let me check.", events.text());
        List<StreamEvent.ToolCallDelta> calls = events.of(StreamEvent.ToolCallDelta.class);
        assertEquals(2, calls.size(), "one delta per tool call, arguments complete: " + events.events);
        assertEquals("get_weather", calls.get(0).name());
        assertEquals(
                Json.tryParse("{\"city\":\"Paris\",\"days\":2}"),
                Json.tryParse(calls.get(0).argumentsDelta()));
        assertEquals("get_time", calls.get(1).name());
        assertTrue(calls.get(0).id().startsWith("call_")
                && !calls.get(0).id().equals(calls.get(1).id()));
        assertEquals(0, events.of(StreamEvent.TextDelta.class).get(0).index());
        assertEquals(1, calls.get(0).index());
        assertEquals(2, calls.get(1).index());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
    }

    @Test
    void aStreamAndACompletionGiveTheSameToolCallIds() throws Exception {
        StreamRecorder events = new StreamRecorder();
        ChatRequest request = new ChatRequest(
                MODEL,
                null,
                List.of(Message.user("weather again")),
                List.of(new ToolDefinition("get_weather", null, null)),
                null,
                null,
                null,
                true,
                null);
        model.stream(request, events);
        events.await();
        List<String> streamed = events.of(StreamEvent.ToolCallDelta.class).stream()
                .map(StreamEvent.ToolCallDelta::id)
                .toList();
        List<String> completed = model.complete(request).content().stream()
                .filter(dev.caracal.llm.ContentPart.ToolUse.class::isInstance)
                .map(p -> ((dev.caracal.llm.ContentPart.ToolUse) p).id())
                .toList();
        assertEquals(completed, streamed);
    }

    @Test
    void aFailureBeforeTheFirstLineIsRetriedThenStreams() throws Exception {
        upstream.failNext(2, 503, "server_error", "busy");
        StreamRecorder events = new StreamRecorder();
        model.stream(streamOf("hello"), events);
        events.await();
        assertEquals("Hi there!", events.text());
        assertEquals(2, delayer.delays.size(), "two retries");
        assertEquals(3, upstream.journal("/api/chat").size());
        assertInstanceOf(StreamEvent.End.class, events.last());
    }

    @Test
    void retriesUsedUpGiveOneRetryableErrorEvent() throws Exception {
        upstream.failNext(3, 503, "server_error", "busy");
        StreamRecorder events = new StreamRecorder();
        model.stream(streamOf("hello"), events);
        events.await();
        assertEquals(1, events.events.size(), "nothing but the error: " + events.events);
        LlmException error =
                assertInstanceOf(StreamEvent.Error.class, events.last()).error();
        assertEquals(ErrorKind.OVERLOADED, error.kind());
        assertTrue(error.retryable());
        assertEquals(503, error.upstreamStatus());
        assertEquals(3, upstream.journal("/api/chat").size());
    }

    @Test
    void aBadRequestIsNotRetried() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(streamOf("bad request"), events);
        events.await();
        LlmException error =
                assertInstanceOf(StreamEvent.Error.class, events.last()).error();
        assertEquals(ErrorKind.INVALID_REQUEST, error.kind());
        assertTrue(error.getMessage().contains("bad options"), error.getMessage());
        assertEquals(1, upstream.journal("/api/chat").size());
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void aDisconnectMidStreamEndsWithAConnectionError() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(streamOf("cut short"), events);
        events.await();
        assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
        assertFalse(events.text().isEmpty(), "some text came before the cut: " + events.events);
        LlmException error =
                assertInstanceOf(StreamEvent.Error.class, events.last()).error();
        assertEquals(ErrorKind.CONNECTION, error.kind());
        assertTrue(error.retryable());
        assertTrue(delayer.delays.isEmpty(), "nothing is retried once events were delivered");
        assertEquals(1, upstream.journal("/api/chat").size());
    }

    @Test
    void aMalformedLineIsAnUpstreamError() throws Exception {
        StreamRecorder events = new StreamRecorder();
        model.stream(streamOf("garbage"), events);
        events.await();
        LlmException error =
                assertInstanceOf(StreamEvent.Error.class, events.last()).error();
        assertEquals(ErrorKind.UPSTREAM, error.kind());
        assertTrue(error.getMessage().startsWith("malformed stream"), error.getMessage());
        assertEquals(1, events.events.size());
        assertTrue(delayer.delays.isEmpty(), "a malformed answer is not retried");
    }

    @Test
    void noAnswerInTimeIsATimeout() throws Exception {
        try (OllamaChatModel impatient =
                new OllamaChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("requestTimeoutMs", 300)))) {
            StreamRecorder events = new StreamRecorder();
            impatient.stream(streamOf("slow"), events);
            events.await();
            LlmException error =
                    assertInstanceOf(StreamEvent.Error.class, events.last()).error();
            assertEquals(ErrorKind.TIMEOUT, error.kind());
            assertEquals(1, events.events.size());
        }
    }

    @Test
    void cancelClosesTheConnectionAndNoEventFollows() throws Exception {
        upstream.resetStats();
        StreamCanceller canceller = StreamCanceller.atFirstTextDelta(model, streamOf("endless"));
        StreamRecorder seen = canceller.seen();
        StreamHandle h = canceller.handle();
        AtomicReference<Integer> countAtCancel = canceller.countAtCancel();
        eventually(() -> countAtCancel.get() != null, "a first text delta");
        // the mock would stream for 40 s more; cancelling closes the connection, which the mock sees
        eventually(() -> upstream.stats().inFlight() == 0, "the upstream connection closed");
        assertEquals(countAtCancel.get().intValue(), seen.events.size(), "no event after cancel");
        h.cancel(); // idempotent
        assertNull(seen.events.stream()
                .filter(e -> e instanceof StreamEvent.End)
                .findAny()
                .orElse(null));
    }

    @Test
    void closingTheProviderEndsStreamsInFlight() throws Exception {
        OllamaChatModel closing = new OllamaChatModel(TestSupport.settings(upstream.baseUrl()));
        StreamRecorder events = new StreamRecorder();
        closing.stream(streamOf("endless again"), events);
        eventually(() -> !events.of(StreamEvent.TextDelta.class).isEmpty(), "a first text delta");
        closing.close();
        events.await();
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertInstanceOf(StreamEvent.Error.class, events.last()).error().kind());
        StreamRecorder after = new StreamRecorder();
        closing.stream(streamOf("hello"), after);
        after.await();
        assertEquals(1, after.events.size());
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertInstanceOf(StreamEvent.Error.class, after.last()).error().kind());
    }
}
