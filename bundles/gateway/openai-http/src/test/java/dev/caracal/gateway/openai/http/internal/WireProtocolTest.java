package dev.caracal.gateway.openai.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.testkit.ScriptedGateway;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What goes over the wire, byte for byte where it matters: SSE framing, status codes, headers, envelopes. */
class WireProtocolTest {
    static OpenAiIngress ingress;
    static ScriptedGateway gateway;
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        ingress = new OpenAiIngress(4096);
        gateway = ingress.gateway();
    }

    @AfterAll
    static void stop() throws Exception {
        ingress.close();
    }

    @BeforeEach
    void reset() {
        gateway.reset();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(ingress.jetty().url(path)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-wire");
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode error(HttpResponse<String> r) throws Exception {
        JsonNode n = Json.mapper().readTree(r.body());
        JsonNode e = n.get("error");
        assertNotNull(e, r.body());
        assertTrue(e.has("message") && e.has("type") && e.has("param") && e.has("code"), r.body());
        assertEquals(1, n.size(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        return e;
    }

    static void hasRequestId(HttpResponse<String> r) {
        assertTrue(
                r.headers().firstValue("x-request-id").isPresent(), r.headers().toString());
    }

    @Test
    void sseFraming() throws Exception {
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "m-1"),
                new StreamEvent.TextDelta(0, "a\nb"),
                new StreamEvent.UsageUpdate(new Usage(3, 2, 0, 0)),
                new StreamEvent.End(StopReason.MAX_TOKENS)));
        for (String base : List.of("", "/blocking")) {
            HttpResponse<String> r = send(
                    "POST",
                    base + "/v1/chat/completions",
                    "{\"model\":\"m\",\"stream\":true,"
                            + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
            String id = r.headers().firstValue("x-request-id").orElseThrow();
            assertTrue(id.startsWith("chatcmpl-"), id);
            String[] events = r.body().split("\n\n");
            assertEquals(5, events.length, r.body());
            for (int i = 0; i < 4; i++) {
                assertTrue(events[i].startsWith("data: {") && !events[i].contains("\n"), events[i]);
                JsonNode chunk = Json.mapper().readTree(events[i].substring(6));
                assertEquals(id, chunk.get("id").textValue());
                assertEquals("chat.completion.chunk", chunk.get("object").textValue());
                assertEquals("m-1", chunk.get("model").textValue());
            }
            assertEquals(
                    "a\nb",
                    Json.mapper()
                            .readTree(events[1].substring(6))
                            .at("/choices/0/delta/content")
                            .textValue());
            assertEquals(
                    "length",
                    Json.mapper()
                            .readTree(events[2].substring(6))
                            .at("/choices/0/finish_reason")
                            .textValue());
            JsonNode usage = Json.mapper().readTree(events[3].substring(6));
            assertEquals(0, usage.get("choices").size());
            assertEquals(5, usage.at("/usage/total_tokens").intValue());
            assertEquals("data: [DONE]", events[events.length - 1]);
            assertTrue(r.body().endsWith("data: [DONE]\n\n"));
        }
    }

    /**
     * Answers without thinking are written byte for byte as before reasoning existed: no {@code reasoning_content}
     * key, the same member order. Only the id and the creation time vary between calls.
     */
    @Test
    void answersWithoutThinkingAreByteIdenticalToBefore() throws Exception {
        gateway.answerWith(r -> new ChatResponse(
                "up", "m-1", List.of(new ContentPart.Text("Hi.")), StopReason.END_TURN, new Usage(3, 2, 1, 0)));
        String request = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        HttpResponse<String> r = send("POST", "/v1/chat/completions", request);
        assertEquals(200, r.statusCode(), r.body());
        String id = r.headers().firstValue("x-request-id").orElseThrow();
        long created = Json.mapper().readTree(r.body()).get("created").longValue();
        assertEquals(
                "{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":" + created
                        + ",\"model\":\"m-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"Hi.\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,"
                        + "\"total_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":1,\"audio_tokens\":0},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                        + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                        + "\"system_fingerprint\":null}",
                r.body());

        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "m-1"),
                new StreamEvent.TextDelta(0, "Hi."),
                new StreamEvent.End(StopReason.END_TURN)));
        r = send("POST", "/v1/chat/completions", request.replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertEquals(200, r.statusCode(), r.body());
        id = r.headers().firstValue("x-request-id").orElseThrow();
        created = Json.mapper()
                .readTree(r.body().split("\n\n")[0].substring(6))
                .get("created")
                .longValue();
        String head = "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":\"m-1\",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":";
        assertEquals(
                head + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,"
                        + "\"finish_reason\":null}]}\n\n"
                        + head + "{\"content\":\"Hi.\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                        + head + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n",
                r.body());
    }

    @Test
    void sseErrorEventAfterContentHasNoDone() throws Exception {
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "m"),
                new StreamEvent.TextDelta(0, "x"),
                new StreamEvent.Error(new dev.caracal.gateway.GatewayException(
                        dev.caracal.llm.ErrorKind.UPSTREAM, "provider left", 0, null, null, true, null))));
        HttpResponse<String> r = send(
                "POST",
                "/v1/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, r.statusCode());
        String[] events = r.body().split("\n\n");
        String last = events[events.length - 1];
        assertFalse(r.body().contains("[DONE]"));
        JsonNode err = Json.mapper().readTree(last.substring(6));
        assertEquals("provider left", err.at("/error/message").textValue());
        assertEquals("server_error", err.at("/error/type").textValue());
    }

    @Test
    void methodNotAllowed() throws Exception {
        HttpResponse<String> r = send("GET", "/v1/chat/completions", null);
        assertEquals(405, r.statusCode());
        assertEquals("method_not_allowed", error(r).get("code").textValue());
        assertEquals("POST", r.headers().firstValue("allow").orElseThrow());
        hasRequestId(r);
        assertEquals(405, send("POST", "/v1/models", "{}").statusCode());
        assertEquals(405, send("DELETE", "/v1/embeddings", null).statusCode());
    }

    @Test
    void malformedAndOversizedBodies() throws Exception {
        HttpResponse<String> r = send("POST", "/v1/chat/completions", "{\"model\": \"m\", \"messages\": [");
        assertEquals(400, r.statusCode());
        JsonNode e = error(r);
        assertEquals("invalid_request_error", e.get("type").textValue());
        assertEquals("invalid_json", e.get("code").textValue());
        hasRequestId(r);

        r = send("POST", "/v1/chat/completions", "[1,2]");
        assertEquals(400, r.statusCode());
        error(r);
        r = send("POST", "/v1/embeddings", "");
        assertEquals(400, r.statusCode());
        error(r);

        String big = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(10_000) + "\"}]}";
        r = send("POST", "/v1/chat/completions", big);
        assertEquals(413, r.statusCode());
        assertEquals("request_too_large", error(r).get("code").textValue());
        assertEquals(0, gateway.calls());
    }

    @Test
    void validationErrorNamesTheNestedField() throws Exception {
        HttpResponse<String> r = send(
                "POST",
                "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":["
                        + "{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"file:///etc/x\"}}]}]}");
        assertEquals(400, r.statusCode());
        JsonNode e = error(r);
        assertEquals("messages[2].content[0].image_url.url", e.get("param").textValue());
        hasRequestId(r);
    }

    @Test
    void embeddingsCarryTheHeadersTheGatewayAsksForOnAnAnswerAndARefusal() throws Exception {
        gateway.setResponseHeaders(Map.of(CallContext.PROVIDER_HEADER, "primary"));
        gateway.embedWith((model, inputs) -> new Embeddings(List.of(new float[] {0.5f, 1f}), 1));
        HttpResponse<String> ok = send("POST", "/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(
                "primary", ok.headers().firstValue(CallContext.PROVIDER_HEADER).orElse(null));

        gateway.failWith(new LlmException(ErrorKind.RATE_LIMITED, "budget spent", 0, Duration.ofSeconds(2), null));
        HttpResponse<String> refused = send("POST", "/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}");
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("2", refused.headers().firstValue("retry-after").orElse(null));
        assertEquals(
                "primary",
                refused.headers().firstValue(CallContext.PROVIDER_HEADER).orElse(null));
        error(refused);
    }

    @Test
    void everyResponseCarriesARequestId() throws Exception {
        gateway.listModels(List.of());
        hasRequestId(send("GET", "/v1/models", null));
        hasRequestId(send("GET", "/v1/models/none", null));
        assertEquals(404, send("GET", "/v1/models/none", null).statusCode());
        HttpResponse<String> r = send("POST", "/v1/embeddings", "{\"model\":\"e\",\"input\":[[1,2]]}");
        assertEquals(400, r.statusCode());
        hasRequestId(r);
        assertTrue(r.headers().firstValue("x-request-id").orElseThrow().startsWith("req_"));
    }
}
