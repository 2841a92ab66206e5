package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.RecordingDelayer;
import dev.caracal.llm.testkit.StreamRecorder;
import dev.caracal.llm.testkit.StreamingScenarios;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streamed messages against aimock's Anthropic SSE: the test kit's shared scenarios, plus 529 overloaded. */
class StreamingTest extends StreamingScenarios<AnthropicChatModel> {

    StreamingTest() {
        super(AnthropicUnderTest.PROVIDER);
    }

    /** A body that is not an event stream is read as one whole message. */
    @Override
    protected String malformedStream() {
        return "malformed message";
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(
                failing("overloaded first", 529).sequenceIndex(0),
                Fixture.whenUserSays("overloaded first")
                        .sequenceIndex(1)
                        .reply("recovered")
                        .chunkSize(3),
                failing("always overloaded", 529));
    }

    @Test
    void overloadedBeforeTheFirstEventIsRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel retrying = retrying(2, delayer)) {
            StreamRecorder events = stream(retrying, streamOf("overloaded first"));
            assertEquals("recovered", events.text());
            assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
            assertTrue(events.of(StreamEvent.Error.class).isEmpty());
        }
        assertEquals(1, delayer.delays.size());
        assertEquals(2, requestsFor("overloaded first"));
    }

    @Test
    void overloadedUntilTheRetriesAreUsedUpIsASingleRetryableError() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel retrying = retrying(2, delayer)) {
            StreamRecorder events = stream(retrying, streamOf("always overloaded"));
            assertEquals(1, events.events.size(), events.events.toString());
            LlmException e = error(events);
            assertEquals(ErrorKind.OVERLOADED, e.kind(), e.getMessage());
            assertEquals(529, e.upstreamStatus());
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("overloaded_error"), e.getMessage());
        }
        assertEquals(2, delayer.delays.size());
        assertEquals(3, requestsFor("always overloaded"));
    }
}
