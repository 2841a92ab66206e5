package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.openai.internal.TestSupport.ask;
import static dev.caracal.llm.testkit.ProviderTests.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.Message;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.ToolDefinition;
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

/** Streamed completions against aimock's SSE: deltas, usage, tool calls, faults, cancellation. */
class StreamingTest {

    private static final String LONG_TEXT = "Streaming answers arrive in many small pieces, one after another, "
            + "until the model has said everything it wanted to say about the question.";

    private static MockUpstream upstream;
    private static OpenAiChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("tell me")
                        .reply("The quick brown fox jumps.")
                        .chunkSize(5)
                        .usage(9, 4))
                .fixture(Fixture.whenUserSays("use tools")
                        .reply("Let me check.")
                        .chunkSize(4)
                        .toolCall("call_a", "get_weather", "{\"city\":\"Oslo\",\"unit\":\"celsius\"}")
                        .toolCall("call_b", "get_time", "{\"tz\":\"Europe/Oslo\"}"))
                .fixture(Fixture.whenUserSays("cut off")
                        .reply(LONG_TEXT)
                        .chunkSize(6)
                        .latencyPerChunkMs(5)
                        .truncateAfterChunks(4))
                .fixture(Fixture.whenUserSays("never answers").reply("x").chaos(Chaos.disconnect()))
                .fixture(Fixture.whenUserSays("second time lucky")
                        .sequenceIndex(0)
                        .reply("x")
                        .chaos(Chaos.disconnect()))
                .fixture(Fixture.whenUserSays("second time lucky")
                        .sequenceIndex(1)
                        .reply("lucky"))
                .fixture(Fixture.whenUserSays("busy")
                        .error(429, "rate_limit_error", "slow down")
                        .retryAfterSeconds(0))
                .fixture(Fixture.whenUserSays("garbage").reply("x").chaos(Chaos.malformed()))
                .fixture(Fixture.whenUserSays("sleepy").reply("too late").chaos(Chaos.latency(5_000)))
                .fixture(Fixture.whenUserSays("endless")
                        .reply(LONG_TEXT.repeat(10))
                        .chunkSize(2)
                        .latencyPerChunkMs(20))
                .start();
        model = new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    private static StreamRecorder stream(OpenAiChatModel m, ChatRequest request) throws InterruptedException {
        StreamRecorder events = new StreamRecorder();
        m.stream(request, events);
        return events.await();
    }

    private static ChatRequest streamed(String text) {
        return new ChatRequest("gpt-4o", null, List.of(Message.user(text)), null, null, null, null, true, null);
    }

    private static long requestsFor(String text) {
        return upstream.requestsContaining("/v1/chat/completions", text);
    }

    @Test
    void streamsTextDeltasAndUsage() throws Exception {
        StreamRecorder events = stream(model, streamed("tell me a story"));
        StreamEvent.Start start = assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
        assertTrue(start.id().startsWith("chatcmpl-"));
        assertEquals("gpt-4o", start.model());
        List<StreamEvent.TextDelta> deltas = events.of(StreamEvent.TextDelta.class);
        assertTrue(deltas.size() > 1, "several deltas: " + deltas);
        assertTrue(deltas.stream().allMatch(d -> d.index() == 0));
        assertEquals("The quick brown fox jumps.", events.text());
        StreamEvent.UsageUpdate usage = events.of(StreamEvent.UsageUpdate.class).get(0);
        assertEquals(9, usage.usage().inputTokens());
        assertEquals(4, usage.usage().outputTokens());
        assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
        // the usage chunk comes after the finish reason and before [DONE]
        assertEquals(events.events.size() - 2, events.events.indexOf(usage));

        JsonNode sent = upstream.journal("/v1/chat/completions").stream()
                .filter(e -> e.body().toString().contains("tell me a story"))
                .findFirst()
                .orElseThrow()
                .body();
        assertTrue(sent.path("stream").asBoolean());
        assertTrue(sent.at("/stream_options/include_usage").asBoolean());
    }

    @Test
    void streamsToolCallDeltas() throws Exception {
        ChatRequest request = new ChatRequest(
                "gpt-4o",
                null,
                List.of(Message.user("use tools please")),
                List.of(new ToolDefinition("get_weather", null, null), new ToolDefinition("get_time", null, null)),
                null,
                null,
                null,
                true,
                null);
        StreamRecorder events = stream(model, request);
        assertEquals("Let me check.", events.text());
        assertTrue(events.of(StreamEvent.TextDelta.class).stream().allMatch(d -> d.index() == 0));
        List<StreamEvent.ToolCallDelta> calls = events.of(StreamEvent.ToolCallDelta.class);
        StringBuilder weatherArgs = new StringBuilder();
        StringBuilder timeArgs = new StringBuilder();
        String weatherId = null;
        String weatherName = null;
        String timeId = null;
        for (StreamEvent.ToolCallDelta d : calls) {
            if (d.index() == 1) {
                weatherId = weatherId == null ? d.id() : weatherId;
                weatherName = weatherName == null ? d.name() : weatherName;
                weatherArgs.append(d.argumentsDelta());
            } else {
                assertEquals(2, d.index());
                timeId = timeId == null ? d.id() : timeId;
                timeArgs.append(d.argumentsDelta());
            }
        }
        assertEquals("call_a", weatherId);
        assertEquals("get_weather", weatherName);
        assertEquals("{\"city\":\"Oslo\",\"unit\":\"celsius\"}", weatherArgs.toString());
        assertEquals("call_b", timeId);
        assertEquals("{\"tz\":\"Europe/Oslo\"}", timeArgs.toString());
        assertEquals(new StreamEvent.End(StopReason.TOOL_USE), events.last());
        assertEquals(1, events.of(StreamEvent.UsageUpdate.class).size());
    }

    @Test
    void disconnectMidStreamIsAnErrorEventAndNotRetried() throws Exception {
        try (OpenAiChatModel retrying = new OpenAiChatModel(
                TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 2)), new RecordingDelayer())) {
            StreamRecorder events = stream(retrying, streamed("cut off please"));
            assertInstanceOf(StreamEvent.Start.class, events.events.get(0));
            assertFalse(events.text().isEmpty(), "some text arrived before the cut");
            assertTrue(LONG_TEXT.startsWith(events.text()));
            StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, events.last());
            assertEquals(ErrorKind.CONNECTION, error.error().kind());
            assertTrue(error.error().retryable());
            assertTrue(events.of(StreamEvent.End.class).isEmpty());
            assertEquals(1, requestsFor("cut off please"), "no retry after the first event");
        }
    }

    @Test
    void failureBeforeTheFirstTokenIsASingleRetryableError() throws Exception {
        StreamRecorder events = stream(model, streamed("never answers"));
        assertEquals(1, events.events.size(), "only the error: " + events.events);
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, events.last());
        assertEquals(ErrorKind.CONNECTION, error.error().kind());
        assertTrue(error.error().retryable());

        StreamRecorder limited = stream(model, streamed("busy now"));
        assertEquals(1, limited.events.size());
        LlmExceptionAssert.kind(limited.last(), ErrorKind.RATE_LIMITED, 429);
    }

    @Test
    void failureBeforeTheFirstTokenIsRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OpenAiChatModel retrying =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 2)), delayer)) {
            StreamRecorder events = stream(retrying, streamed("second time lucky"));
            assertEquals("lucky", events.text());
            assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
            assertEquals(1, delayer.delays.size());
            assertEquals(2, requestsFor("second time lucky"));
        }
    }

    @Test
    void malformedStreamIsUpstream() throws Exception {
        StreamRecorder events = stream(model, streamed("garbage in"));
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, events.last());
        assertEquals(ErrorKind.UPSTREAM, error.error().kind());
        assertTrue(
                error.error().getMessage().contains("malformed"), error.error().getMessage());
    }

    @Test
    void slowUpstreamTimesOut() throws Exception {
        try (OpenAiChatModel impatient =
                new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl(), Map.of("requestTimeoutMs", 300)))) {
            StreamRecorder events = stream(impatient, streamed("sleepy head"));
            StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, events.last());
            assertEquals(ErrorKind.TIMEOUT, error.error().kind());
            assertTrue(error.error().retryable());
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
        // the mock would stream for seconds more; cancelling closes the connection, which the mock sees
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
        OpenAiChatModel closing = new OpenAiChatModel(TestSupport.settings(upstream.openAiBaseUrl()));
        StreamRecorder events = new StreamRecorder();
        closing.stream(streamed("endless again"), events);
        eventually(() -> !events.of(StreamEvent.TextDelta.class).isEmpty(), "a first text delta");
        closing.close();
        events.await();
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, events.last());
        assertEquals(ErrorKind.UNAVAILABLE, error.error().kind());
        StreamRecorder after = new StreamRecorder();
        closing.stream(streamed("tell me"), after);
        after.await();
        assertEquals(
                ErrorKind.UNAVAILABLE,
                ((StreamEvent.Error) after.last()).error().kind());
    }

    /** Small assertion helpers for error events. */
    static final class LlmExceptionAssert {
        static void kind(StreamEvent event, ErrorKind kind, int status) {
            StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, event);
            assertEquals(kind, error.error().kind());
            assertEquals(status, error.error().upstreamStatus());
        }
    }

    @Test
    void nonStreamedAskStillWorksOnTheSameInstance() {
        assertEquals(
                "The quick brown fox jumps.",
                model.complete(ask("gpt-4o", "tell me again")).text());
    }
}
