package dev.caracal.gateway.openai.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.gateway.testkit.IngressScenarios;
import dev.caracal.gateway.testkit.Outcome;
import dev.caracal.gateway.testkit.WireFormat;
import dev.caracal.llm.ErrorKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The ingress scenarios on {@code POST /v1/chat/completions}, in OpenAI's wire format. */
class OpenAiIngressScenariosTest extends IngressScenarios {

    OpenAiIngressScenariosTest() {
        super(
                maxThreads -> new OpenAiIngress(1024 * 1024, maxThreads),
                new WireFormat(
                        "/v1/chat/completions",
                        Map.of("Authorization", "Bearer sk-async"),
                        Map.of(),
                        "gpt-4o",
                        "/choices/0/message/content",
                        "x-request-id",
                        "chatcmpl-"));
    }

    /** OpenAI has no status for an overload: 503, with the retry hints OpenAI's SDKs read. */
    @Override
    protected List<Outcome> ownOutcomes() {
        return List.of(
                Outcome.failure(
                        "exhausted rate limit",
                        429,
                        Map.of("x-should-retry", "false", "retry-after", "3", "retry-after-ms", "3000"),
                        Outcome.exhausted(
                                ErrorKind.RATE_LIMITED, "every target is rate limited", 429, Duration.ofSeconds(3))),
                Outcome.failure(
                        "overloaded, retry at once",
                        503,
                        Map.of("retry-after", "1", "retry-after-ms", "0"),
                        Outcome.retryable(ErrorKind.OVERLOADED, "busy", 529, Duration.ZERO)),
                Outcome.failure(
                        "no healthy target",
                        503,
                        Map.of("x-should-retry", "false"),
                        Outcome.exhausted(ErrorKind.UNAVAILABLE, "no healthy target", 0)));
    }

    /** The body without what differs from call to call: ids, the creation second, incident ids. */
    @Override
    protected String withoutIds(String body) {
        return body.replaceAll("chatcmpl-[A-Za-z0-9]{29}", "chatcmpl-ID")
                .replaceAll("\"created\":\\d+", "\"created\":0")
                .replaceAll("incident [0-9a-f]+", "incident X");
    }

    @Override
    protected void assertAnswer(String requestId, JsonNode answer) {
        assertEquals(requestId, answer.get("id").textValue());
    }

    @Override
    protected void assertErrorEnvelope(String requestId, JsonNode answer) {
        assertEquals(1, answer.size(), answer.toString());
        JsonNode error = answer.get("error");
        assertTrue(
                error.has("message") && error.has("type") && error.has("param") && error.has("code"),
                answer.toString());
    }

    @Override
    protected void assertTimeoutEnvelope(String requestId, JsonNode answer) {
        JsonNode error = answer.get("error");
        assertEquals("server_error", error.get("type").textValue());
        assertEquals("timeout", error.get("code").textValue());
    }
}
