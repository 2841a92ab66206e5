package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.testkit.ErrorsAndRetriesScenarios;
import dev.caracal.llm.testkit.Fixture;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** Failing chat completions: the test kit's shared scenarios, plus OpenAI's error codes (context length, quota). */
class ErrorsAndRetriesTest extends ErrorsAndRetriesScenarios<OpenAiChatModel> {

    ErrorsAndRetriesTest() {
        super(OpenAiUnderTest.PROVIDER);
    }

    @Override
    protected String malformedAnswer() {
        return "malformed chat completion";
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(
                Fixture.whenUserSays("too long")
                        .error(400, "invalid_request_error", "This model's maximum context length is 128000 tokens.")
                        .errorCode("context_length_exceeded"),
                failing("status 502", 502),
                failing("status 504", 504),
                Fixture.whenUserSays("quota")
                        .error(429, "insufficient_quota", "You exceeded your quota")
                        .errorCode("insufficient_quota"));
    }

    @Override
    protected Stream<Arguments> providerHttpErrors() {
        return Stream.of(
                Arguments.of(
                        "too long",
                        ErrorKind.CONTEXT_LENGTH,
                        400,
                        "(invalid_request_error/context_length_exceeded): This model's maximum context length"),
                Arguments.of("status 502", ErrorKind.UPSTREAM, 502, "(server_error): bad gateway"),
                Arguments.of("status 504", ErrorKind.UPSTREAM, 504, "(server_error): gateway timeout"));
    }

    @Test
    void exhaustedQuotaIsNotRetried() throws Exception {
        assertEquals(ErrorKind.RATE_LIMITED, failsWithoutRetrying("quota").kind());
    }

    @Test
    void theUpstreamsOwnTermsAndRequestIdAreKept() {
        dev.caracal.llm.LlmException e = Errors.fromResponse(
                400,
                java.net.http.HttpHeaders.of(java.util.Map.of("x-request-id", List.of("req_up_1")), (a, b) -> true),
                "{\"error\":{\"message\":\"Invalid value\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"messages[0].content\",\"code\":\"invalid_value\"}}",
                dev.caracal.llm.support.Secret.NONE);
        assertEquals(
                new dev.caracal.llm.UpstreamError(
                        "openai", "invalid_request_error", "invalid_value", "messages[0].content", "req_up_1"),
                e.upstreamError());
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
    }
}
