package dev.caracal.llm.testkit;

import static dev.caracal.llm.testkit.ProviderTests.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.Usage;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Streamed answers against aimock: text and tool-call deltas on their blocks, usage, the end; faults before and after
 * the first event (retried only before it), timeouts, cancellation and a provider closing under a stream.
 *
 * @param <M> the provider's chat model
 */
public abstract class StreamingScenarios<M extends ChatModel & AutoCloseable> extends ProviderScenarios<M> {

    private static final String STORY = "The quick brown fox jumps over the lazy dog, again and again, all day long.";
    private static final String LONG_TEXT = "Streaming answers arrive in many small pieces, one after another, "
            + "until the model has said everything it wanted to say about the question.";
    private static final String WEATHER_ARGS = "{\"city\":\"Oslo\",\"unit\":\"celsius\"}";
    private static final String TIME_ARGS = "{\"tz\":\"Europe/Oslo\"}";

    protected StreamingScenarios(ProviderUnderTest<M> provider) {
        super(provider);
    }

    /** How the provider's message for a streamed answer that is neither its stream format nor JSON begins. */
    protected abstract String malformedStream();

    @Override
    protected List<Fixture> scenarioFixtures() {
        return List.of(
                Fixture.whenUserSays("tell a story")
                        .reply(STORY)
                        .chunkSize(7)
                        .usage(9, 4)
                        .responseId(wire.answerId("story")),
                Fixture.whenUserSays("use tools")
                        .reply("Let me check.")
                        .chunkSize(4)
                        .toolCall(wire.toolCallId("a"), "get_weather", WEATHER_ARGS)
                        .toolCall(wire.toolCallId("b"), "get_time", TIME_ARGS),
                Fixture.whenUserSays("only the weather")
                        .toolCall(wire.toolCallId("w"), "get_weather", WEATHER_ARGS)
                        .chunkSize(4),
                Fixture.whenUserSays("cut off")
                        .reply(LONG_TEXT)
                        .chunkSize(6)
                        .latencyPerChunkMs(5)
                        .truncateAfterChunks(4),
                Fixture.whenUserSays("never answers").reply("x").chaos(Chaos.disconnect()),
                Fixture.whenUserSays("second time lucky")
                        .sequenceIndex(0)
                        .reply("x")
                        .chaos(Chaos.disconnect()),
                Fixture.whenUserSays("second time lucky").sequenceIndex(1).reply("lucky"),
                failing("busy", 429).retryAfterSeconds(0),
                failing("bad request", 400),
                Fixture.whenUserSays("garbage").reply("x").chaos(Chaos.malformed()),
                Fixture.whenUserSays("sleepy").reply("too late").chaos(Chaos.latency(5_000)),
                Fixture.whenUserSays("sluggish").reply(STORY).chunkSize(10).latencyPerChunkMs(3_000),
                Fixture.whenUserSays("endless")
                        .reply(LONG_TEXT.repeat(10))
                        .chunkSize(2)
                        .latencyPerChunkMs(20),
                Fixture.whenUserSays("plain").reply("fine").chunkSize(2));
    }

    /** Streams {@code request} on {@code model} and waits for its end. */
    protected static StreamRecorder stream(ChatModel model, ChatRequest request) throws InterruptedException {
        StreamRecorder events = new StreamRecorder();
        model.stream(request, events);
        return events.await();
    }

    /** The error that ended {@code events}. */
    protected static LlmException error(StreamRecorder events) {
        return assertInstanceOf(StreamEvent.Error.class, events.last()).error();
    }

    private ChatRequest withTools(String userText) {
        return request()
                .user(userText)
                .tools(new ToolDefinition("get_weather", null, null), new ToolDefinition("get_time", null, null))
                .streamed()
                .build();
    }

    @Test
    void streamsTextDeltasThenUsageThenTheEnd() throws Exception {
        StreamRecorder events = stream(model(), streamOf("tell a story"));
        StreamEvent.Start start = assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
        wire.assertAnswerId("story", start.id());
        assertEquals(provider.model(), start.model());
        List<StreamEvent.TextDelta> deltas = events.of(StreamEvent.TextDelta.class);
        assertTrue(deltas.size() >= 10, "in chunks of 7 characters: " + deltas);
        assertTrue(deltas.stream().allMatch(d -> d.index() == 0));
        assertEquals(STORY, events.text());
        assertEquals(wire.usage(9, 4), runningTotals(events));
        assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
        assertEquals(
                new StreamEvent.UsageUpdate(wire.usage(9, 4)),
                events.events.get(events.events.size() - 2),
                "the totals last");
        JsonNode sent = upstream().journal(wire.chatPath()).stream()
                .filter(e -> e.body() != null && e.body().toString().contains("tell a story"))
                .findFirst()
                .orElseThrow()
                .body();
        assertTrue(sent.path("stream").asBoolean(), "stream:true sent");
    }

    @Test
    void textAndEachToolCallStreamOnTheirOwnBlocks() throws Exception {
        StreamRecorder events = stream(model(), withTools("use tools please"));
        assertEquals("Let me check.", events.text());
        assertTrue(events.of(StreamEvent.TextDelta.class).stream().allMatch(d -> d.index() == 0));
        List<StreamEvent.ToolCallDelta> calls = events.of(StreamEvent.ToolCallDelta.class);
        assertTrue(calls.stream().allMatch(d -> d.index() == 1 || d.index() == 2), calls.toString());
        String weatherId = assertToolCall(blockOf(calls, 1), "a", "get_weather", WEATHER_ARGS);
        String timeId = assertToolCall(blockOf(calls, 2), "b", "get_time", TIME_ARGS);
        assertNotEquals(weatherId, timeId);
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
        runningTotals(events);
    }

    @Test
    void aToolCallWithoutTextIsTheFirstBlock() throws Exception {
        StreamRecorder events = stream(model(), withTools("only the weather"));
        List<StreamEvent.ToolCallDelta> calls = events.of(StreamEvent.ToolCallDelta.class);
        assertTrue(calls.stream().allMatch(d -> d.index() == 0), calls.toString());
        assertToolCall(calls, "w", "get_weather", WEATHER_ARGS);
        assertTrue(events.of(StreamEvent.TextDelta.class).isEmpty());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
        runningTotals(events);
    }

    /**
     * The usage of a stream: at least one {@code UsageUpdate}, each a running total (a provider may report the
     * input side early, as Anthropic's {@code message_start} does, and the totals at the end), none smaller in any
     * count than the one before; the last one's totals.
     */
    private static Usage runningTotals(StreamRecorder events) {
        List<StreamEvent.UsageUpdate> updates = events.of(StreamEvent.UsageUpdate.class);
        assertFalse(updates.isEmpty(), "no usage in " + events.events);
        Usage previous = Usage.ZERO;
        for (StreamEvent.UsageUpdate update : updates) {
            Usage u = update.usage();
            assertTrue(
                    u.inputTokens() >= previous.inputTokens()
                            && u.outputTokens() >= previous.outputTokens()
                            && u.cachedInputTokens() >= previous.cachedInputTokens()
                            && u.cacheCreationInputTokens() >= previous.cacheCreationInputTokens(),
                    "usage updates are running totals: " + updates);
            previous = u;
        }
        return previous;
    }

    private static List<StreamEvent.ToolCallDelta> blockOf(List<StreamEvent.ToolCallDelta> calls, int index) {
        return calls.stream().filter(d -> d.index() == index).toList();
    }

    /**
     * Checks the deltas of one tool call: the first names it, the rest carry only arguments, which join to
     * {@code arguments}; in pieces or whole, as the wire sends them. Returns its id.
     */
    private String assertToolCall(
            List<StreamEvent.ToolCallDelta> deltas, String fixtureName, String name, String args) {
        if (wire.argumentsInPieces()) {
            assertTrue(deltas.size() > 2, "argument fragments: " + deltas);
        } else {
            assertEquals(1, deltas.size(), "one delta per tool call, arguments complete: " + deltas);
        }
        wire.assertToolCallId(fixtureName, deltas.get(0).id());
        assertEquals(name, deltas.get(0).name());
        for (StreamEvent.ToolCallDelta d : deltas.subList(1, deltas.size())) {
            assertNull(d.id());
            assertNull(d.name());
        }
        assertEquals(
                args,
                deltas.stream().map(StreamEvent.ToolCallDelta::argumentsDelta).collect(Collectors.joining()));
        return deltas.get(0).id();
    }

    @Test
    void disconnectMidStreamIsAnErrorEventAndNotRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            StreamRecorder events = stream(retrying, streamOf("cut off please"));
            assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
            assertFalse(events.text().isEmpty(), "some text arrived before the cut: " + events.events);
            assertTrue(LONG_TEXT.startsWith(events.text()));
            LlmException error = error(events);
            assertEquals(ErrorKind.CONNECTION, error.kind());
            assertTrue(error.retryable());
            assertTrue(events.of(StreamEvent.End.class).isEmpty());
        }
        assertTrue(delayer.delays.isEmpty(), "nothing is retried once events were delivered");
        assertEquals(1, requestsFor("cut off please"), "no retry after the first event");
    }

    @Test
    void failureBeforeTheFirstEventIsASingleRetryableError() throws Exception {
        StreamRecorder events = stream(model(), streamOf("never answers"));
        assertEquals(1, events.events.size(), "only the error: " + events.events);
        assertEquals(ErrorKind.CONNECTION, error(events).kind());
        assertTrue(error(events).retryable());

        StreamRecorder limited = stream(model(), streamOf("busy now"));
        assertEquals(1, limited.events.size());
        assertEquals(ErrorKind.RATE_LIMITED, error(limited).kind());
        assertEquals(429, error(limited).upstreamStatus());
    }

    @Test
    void retriesUsedUpGiveOneRetryableErrorEvent() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            upstream().clearJournal();
            failNext(3, 503, "busy");
            StreamRecorder events = stream(retrying, streamOf("plain"));
            assertEquals(1, events.events.size(), "nothing but the error: " + events.events);
            LlmException error = error(events);
            assertEquals(ErrorKind.OVERLOADED, error.kind());
            assertTrue(error.retryable());
            assertEquals(503, error.upstreamStatus());
        }
        assertEquals(2, delayer.delays.size());
        assertEquals(3, chatRequests());
    }

    @Test
    void aDisconnectBeforeTheFirstEventIsRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            StreamRecorder events = stream(retrying, streamOf("second time lucky"));
            assertEquals("lucky", events.text());
            assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
            assertTrue(events.of(StreamEvent.Error.class).isEmpty());
        }
        assertEquals(1, delayer.delays.size());
        assertEquals(2, requestsFor("second time lucky"));
    }

    @ParameterizedTest(name = "{1} x HTTP {0}")
    @CsvSource({"503, 2", "500, 1"})
    void serverErrorsBeforeTheFirstEventAreRetriedThenItStreams(int status, int times) throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            upstream().clearJournal();
            failNext(times, status, "busy");
            StreamRecorder events = stream(retrying, streamOf("plain"));
            assertEquals("fine", events.text());
            assertInstanceOf(StreamEvent.End.class, events.last());
        }
        assertEquals(times, delayer.delays.size());
        assertEquals(times + 1, chatRequests());
    }

    @Test
    void aBadRequestIsNotRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            StreamRecorder events = stream(retrying, streamOf("bad request"));
            assertEquals(ErrorKind.INVALID_REQUEST, error(events).kind());
            assertTrue(
                    error(events).getMessage().contains(provider.errorMessage(400)),
                    error(events).getMessage());
        }
        assertEquals(1, requestsFor("bad request"));
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void malformedStreamIsUpstreamAndNotRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M retrying = retrying(2, delayer)) {
            StreamRecorder events = stream(retrying, streamOf("garbage in"));
            assertEquals(1, events.events.size());
            assertEquals(ErrorKind.UPSTREAM, error(events).kind());
            assertTrue(
                    error(events).getMessage().startsWith(malformedStream()),
                    error(events).getMessage());
        }
        assertTrue(delayer.delays.isEmpty(), "a malformed answer is not retried");
    }

    @Test
    void silenceBeforeTheAnswerIsTimeout() throws Exception {
        try (M impatient = newModel(Map.of("requestTimeoutMs", 300))) {
            StreamRecorder events = stream(impatient, streamOf("sleepy head"));
            assertEquals(1, events.events.size());
            assertEquals(ErrorKind.TIMEOUT, error(events).kind());
            assertTrue(error(events).retryable());
        }
    }

    @Test
    void silenceBetweenChunksIsTimeout() throws Exception {
        try (M impatient = newModel(Map.of("requestTimeoutMs", 300))) {
            StreamRecorder events = stream(impatient, streamOf("sluggish"));
            assertEquals(ErrorKind.TIMEOUT, error(events).kind());
        }
    }

    @Test
    void cancelStopsTheStreamAndClosesTheConnection() throws Exception {
        upstream().resetStats();
        StreamCanceller canceller = StreamCanceller.atFirstTextDelta(model(), streamOf("endless story"));
        StreamRecorder seen = canceller.seen();
        eventually(() -> canceller.countAtCancel().get() != null, "a first text delta");
        // the mock would stream for seconds more; cancelling closes the connection, which the mock sees
        eventually(() -> upstream().stats().inFlight() == 0, "the upstream connection closed");
        assertEquals(canceller.countAtCancel().get().intValue(), seen.events.size(), "no event after cancel");
        canceller.handle().cancel(); // idempotent
        assertTrue(seen.events.stream().noneMatch(e -> e instanceof StreamEvent.End));
    }

    @Test
    void closingTheProviderEndsStreamsInFlight() throws Exception {
        M closing = newModel(Map.of());
        StreamRecorder events = new StreamRecorder();
        closing.stream(streamOf("endless again"), events);
        eventually(() -> !events.of(StreamEvent.TextDelta.class).isEmpty(), "a first text delta");
        closing.close();
        events.await();
        assertEquals(ErrorKind.UNAVAILABLE, error(events).kind());
        StreamRecorder after = stream(closing, streamOf("plain"));
        assertEquals(1, after.events.size());
        assertEquals(ErrorKind.UNAVAILABLE, error(after).kind());
    }

    @Test
    void aCompletionStillWorksOnTheSameInstance() {
        assertEquals(STORY, model().complete(ask("tell a story again")).text());
    }
}
