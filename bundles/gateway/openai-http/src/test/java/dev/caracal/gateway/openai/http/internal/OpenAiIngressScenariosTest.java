package dev.caracal.gateway.openai.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.testkit.IngressScenarios;
import dev.caracal.gateway.testkit.IngressUnderTest;
import dev.caracal.gateway.testkit.Outcome;
import dev.caracal.llm.ErrorKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ingress scenarios on {@code POST /v1/chat/completions}, in OpenAI's wire format. */
class OpenAiIngressScenariosTest extends IngressScenarios {

    @Override
    protected IngressUnderTest start(int maxThreads) throws Exception {
        return new OpenAiIngress(1024 * 1024, maxThreads);
    }

    @Override
    protected String path() {
        return "/v1/chat/completions";
    }

    @Override
    protected Map<String, String> headers() {
        return Map.of("Authorization", "Bearer sk-async");
    }

    @Override
    protected String body(String model, String prompt, boolean stream) {
        return "{\"model\":\"" + model + "\"," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    @Override
    protected String model() {
        return "gpt-4o";
    }

    @Override
    protected String text(JsonNode answer) {
        return answer.at("/choices/0/message/content").textValue();
    }

    /** OpenAI has no status for an overload: 503, with the retry hints OpenAI's SDKs read. */
    @Override
    protected List<Outcome> outcomes() {
        List<Outcome> outcomes = new ArrayList<>(Outcome.common());
        outcomes.add(Outcome.failure(
                "exhausted rate limit",
                429,
                Map.of("x-should-retry", "false", "retry-after", "3", "retry-after-ms", "3000"),
                new GatewayException(
                        ErrorKind.RATE_LIMITED,
                        "every target is rate limited",
                        429,
                        Duration.ofSeconds(3),
                        null,
                        true,
                        List.of())));
        outcomes.add(Outcome.failure(
                "overloaded, retry at once",
                503,
                Map.of("retry-after", "1", "retry-after-ms", "0"),
                new GatewayException(ErrorKind.OVERLOADED, "busy", 529, Duration.ZERO, null, false, List.of())));
        outcomes.add(Outcome.failure(
                "no healthy target",
                503,
                Map.of("x-should-retry", "false"),
                Outcome.exhausted(ErrorKind.UNAVAILABLE, "no healthy target", 0)));
        return outcomes;
    }

    @Override
    protected String requestIdHeader() {
        return "x-request-id";
    }

    @Override
    protected String requestIdPrefix() {
        return "chatcmpl-";
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
