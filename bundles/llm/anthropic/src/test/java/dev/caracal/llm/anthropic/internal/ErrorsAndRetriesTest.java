package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.testkit.ErrorsAndRetriesScenarios;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.RecordingDelayer;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** Failing messages: the test kit's shared scenarios, plus Anthropic's own (too large, context, 529 overloaded). */
class ErrorsAndRetriesTest extends ErrorsAndRetriesScenarios<AnthropicChatModel> {

    ErrorsAndRetriesTest() {
        super(AnthropicUnderTest.PROVIDER);
    }

    @Override
    protected String malformedAnswer() {
        return "malformed message";
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(
                Fixture.whenUserSays("too long")
                        .error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"),
                failing("status 413", 413),
                failing("busy once", 529).sequenceIndex(0),
                Fixture.whenUserSays("busy once").sequenceIndex(1).reply("served"));
    }

    @Override
    protected Stream<Arguments> providerHttpErrors() {
        return Stream.of(
                Arguments.of("too long", ErrorKind.CONTEXT_LENGTH, 400, "prompt is too long"),
                Arguments.of("status 413", ErrorKind.INVALID_REQUEST, 413, "(request_too_large)"));
    }

    @Test
    void retriesA529OverloadedWithBackoff() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (AnthropicChatModel retrying =
                newModel(Map.of("maxRetries", 2, "retryBaseDelayMs", 100, "retryMaxDelayMs", 1_000), delayer)) {
            assertEquals("served", retrying.complete(ask("busy once")).text());
        }
        assertEquals(1, delayer.delays.size());
        assertTrue(delayer.delays.get(0).toMillis() <= 100, "full jitter in [0, base]: " + delayer.delays);
        assertEquals(2, requestsFor("busy once"));
    }

    @Test
    void theUpstreamsOwnTypeAndRequestIdAreKept() {
        dev.caracal.llm.LlmException e = Errors.fromResponse(
                400,
                java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true),
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"},"
                        + "\"request_id\":\"req_011\"}",
                dev.caracal.llm.support.Secret.NONE);
        assertEquals(
                new dev.caracal.llm.UpstreamError("anthropic", "invalid_request_error", null, null, "req_011"),
                e.upstreamError());
        dev.caracal.llm.LlmException inStream = Errors.fromStreamEvent(
                dev.caracal.llm.support.Json.tryParse(
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}"),
                dev.caracal.llm.support.Secret.NONE);
        assertEquals("overloaded_error", inStream.upstreamError().type());
    }
}
