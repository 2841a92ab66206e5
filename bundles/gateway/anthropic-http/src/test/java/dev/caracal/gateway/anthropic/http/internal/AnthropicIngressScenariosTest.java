package dev.caracal.gateway.anthropic.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.gateway.testkit.IngressScenarios;
import dev.caracal.gateway.testkit.Outcome;
import dev.caracal.gateway.testkit.WireFormat;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The ingress scenarios on {@code POST /v1/messages}, in Anthropic's wire format. */
class AnthropicIngressScenariosTest extends IngressScenarios {

    AnthropicIngressScenariosTest() {
        super(
                AnthropicIngress::new,
                new WireFormat(
                        "/v1/messages",
                        Map.of("x-api-key", "sk-ant-async", "anthropic-version", "2023-06-01"),
                        Map.of("max_tokens", 64),
                        "claude-test",
                        "/content/0/text",
                        "request-id",
                        "req_"));
    }

    /** Anthropic has its own status for an overload, 529, and rounds a retry hint up to whole seconds. */
    @Override
    protected List<Outcome> ownOutcomes() {
        return List.of(
                Outcome.failure(
                        "exhausted rate limit",
                        429,
                        Map.of("x-should-retry", "false", "retry-after", "2"),
                        Outcome.exhausted(
                                ErrorKind.RATE_LIMITED, "all targets rate limited", 429, Duration.ofMillis(1500))),
                Outcome.failure(
                        "exhausted overload",
                        529,
                        Map.of("x-should-retry", "false"),
                        Outcome.exhausted(ErrorKind.OVERLOADED, "every target overloaded", 529)),
                Outcome.failure(
                        "overload worth a retry",
                        529,
                        Map.of("retry-after", "0"),
                        Outcome.retryable(ErrorKind.OVERLOADED, "one target overloaded", 529, Duration.ZERO)),
                Outcome.failure(
                        "no healthy target",
                        503,
                        Outcome.retryable(ErrorKind.UNAVAILABLE, "no healthy target", 0, null)),
                Outcome.answer(
                        "an answer that ended in error",
                        502,
                        r -> new ChatResponse("up", "claude-test", List.of(), StopReason.ERROR, null)));
    }

    /** The body without what differs from call to call: message and request ids, incident ids. */
    @Override
    protected String withoutIds(String body) {
        return body.replaceAll("(msg|req)_[0-9A-Za-z]{24}", "$1_ID").replaceAll("incident [0-9a-f]+", "incident X");
    }

    @Override
    protected void assertAnswer(String requestId, JsonNode answer) {
        assertEquals("msg_" + requestId.substring(4), answer.get("id").textValue());
    }

    @Override
    protected void assertErrorEnvelope(String requestId, JsonNode answer) {
        assertEquals("error", answer.get("type").textValue(), answer.toString());
        assertEquals(requestId, answer.get("request_id").textValue(), answer.toString());
        assertTrue(answer.get("error").has("type") && answer.get("error").has("message"), answer.toString());
    }

    @Override
    protected void assertTimeoutEnvelope(String requestId, JsonNode answer) {
        assertEquals("error", answer.get("type").textValue());
        assertEquals("timeout_error", answer.at("/error/type").textValue());
        assertEquals(requestId, answer.get("request_id").textValue());
    }
}
