package dev.caracal.gateway.anthropic.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.ServiceUnavailableException;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import com.anthropic.models.models.ModelListParams;
import com.anthropic.models.models.ModelRetrieveParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.testkit.JettyHarness;
import dev.caracal.gateway.testkit.RawHttp;
import dev.caracal.gateway.testkit.ScriptedGateway;
import dev.caracal.llm.Capabilities;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official Anthropic SDK's {@code models().list()} and {@code retrieve()} against {@link ModelsFilter} in an
 * embedded Jetty, mapped as the whiteboard maps it, in front of a stand-in for the OpenAI ingress's models servlet
 * that must see every request without {@code anthropic-version}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelsFilterTest {
    private final ScriptedGateway gateway = new ScriptedGateway();
    private final ModelsFilter filter = new ModelsFilter();
    private JettyHarness jetty;
    private String base;
    private AnthropicClient client;

    @BeforeAll
    void start() throws Exception {
        List<dev.caracal.llm.ModelInfo> models = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            models.add(new dev.caracal.llm.ModelInfo("claude-" + i, "anthropic", null));
        }
        models.add(new dev.caracal.llm.ModelInfo(
                "openai/gpt-4o", "openai", new Capabilities(true, true, true, false, true, 128_000)));
        models.add(new dev.caracal.llm.ModelInfo(
                "text-embedding-3-small", "openai", new Capabilities(false, false, false, true, false, 0)));
        gateway.listModels(List.copyOf(models));
        filter.gateway = gateway;

        jetty = JettyHarness.start(
                0,
                routes -> routes.filter(filter, "/v1/models", "/v1/models/*")
                        .servlet(new OpenAiStandIn(), "/v1/models", "/v1/models/*"));
        base = jetty.url("");
        client = AnthropicOkHttpClient.builder()
                .baseUrl(base)
                .apiKey("sk-ant-test")
                .maxRetries(0)
                .build();
    }

    @AfterAll
    void stop() throws Exception {
        jetty.close();
        gateway.close();
    }

    @Test
    void sdkPagesThroughEveryChatModel() {
        ModelListPage first =
                client.models().list(ModelListParams.builder().limit(3L).build());
        assertEquals(3, first.data().size());
        assertTrue(first.hasNextPage());
        List<String> ids = new ArrayList<>();
        for (ModelInfo m : first.autoPager()) {
            m.validate();
            ids.add(m.id());
        }
        assertEquals(
                List.of(
                        "claude-0",
                        "claude-1",
                        "claude-2",
                        "claude-3",
                        "claude-4",
                        "claude-5",
                        "claude-6",
                        "openai/gpt-4o"),
                ids);
        ModelInfo gpt = client.models().list().data().get(7);
        assertEquals(128_000L, gpt.maxInputTokens().orElseThrow());
        assertEquals("openai/gpt-4o", gpt.displayName());
    }

    @Test
    void sdkRetrievesOneModelAndGets404ForOthers() {
        ModelInfo m = client.models()
                .retrieve(ModelRetrieveParams.builder().modelId("claude-3").build());
        m.validate();
        assertEquals("claude-3", m.id());
        NotFoundException e = assertThrows(
                NotFoundException.class,
                () -> client.models()
                        .retrieve(ModelRetrieveParams.builder()
                                .modelId("claude-99")
                                .build()));
        assertTrue(e.getMessage().contains("claude-99"), e.getMessage());
        assertThrows(
                NotFoundException.class,
                () -> client.models()
                        .retrieve(ModelRetrieveParams.builder()
                                .modelId("text-embedding-3-small")
                                .build()));
    }

    @Test
    void modelIdsWithSlashesAreFound() throws Exception {
        HttpResponse<String> r = get("/v1/models/openai/gpt-4o", true);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("openai/gpt-4o", Json.mapper().readTree(r.body()).get("id").asText());
        HttpResponse<String> encoded = get("/v1/models/openai%2Fgpt-4o", true);
        assertEquals(200, encoded.statusCode(), encoded.body());
        assertEquals(
                "openai/gpt-4o",
                Json.mapper().readTree(encoded.body()).get("id").asText());
        assertEquals(
                "openai/gpt-4o",
                client.models()
                        .retrieve(ModelRetrieveParams.builder()
                                .modelId("openai/gpt-4o")
                                .build())
                        .id());
    }

    @Test
    void requestsWithoutAnthropicVersionReachTheOpenAiIngress() throws Exception {
        HttpResponse<String> r = get("/v1/models", false);
        assertEquals(200, r.statusCode());
        assertEquals("openai", Json.mapper().readTree(r.body()).get("served_by").asText());
        assertEquals(
                "openai",
                Json.mapper()
                        .readTree(get("/v1/models/claude-1", false).body())
                        .get("served_by")
                        .asText());
    }

    @Test
    void badInputAndMissingGatewayAreAnthropicErrors() throws Exception {
        HttpResponse<String> bad = get("/v1/models?limit=5000", true);
        assertEquals(400, bad.statusCode());
        JsonNode error = Json.mapper().readTree(bad.body());
        assertEquals("error", error.get("type").asText());
        assertEquals("invalid_request_error", error.get("error").get("type").asText());
        assertTrue(error.get("error").get("message").asText().startsWith("limit: "), bad.body());
        assertTrue(bad.headers().firstValue("request-id").orElseThrow().startsWith("req_"));

        // a malformed escape, a parameter the API does not take, a query on one model: 400s that name the problem
        for (String[] c : new String[][] {
            {"/v1/models?%zz", "malformed query string"},
            {"/v1/models?limit=2&order=asc", "unknown query parameter 'order'"},
            {"/v1/models?limit=2&limit=3", "'limit' is given more than once"},
            {"/v1/models/claude-1?beta=true", "unknown query parameter 'beta'"}
        }) {
            // written byte for byte: an HTTP client refuses to send a malformed escape
            RawHttp.Response r = RawHttp.exchange(
                    jetty.port(),
                    "GET " + c[0] + " HTTP/1.1\r\nHost: localhost\r\nanthropic-version: 2023-06-01\r\n"
                            + "Connection: close\r\n\r\n");
            assertEquals(400, r.status(), c[0] + " " + r.body());
            JsonNode e = Json.mapper().readTree(r.body()).get("error");
            assertEquals("invalid_request_error", e.get("type").asText(), r.body());
            assertTrue(e.get("message").asText().contains(c[1]), r.body());
        }

        HttpResponse<String> post = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/models"))
                                .header("anthropic-version", "2023-06-01")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());

        filter.gateway = null; // the gateway leaves: SCR clears the reference
        try {
            assertThrows(
                    ServiceUnavailableException.class, () -> client.models().list());
        } finally {
            filter.gateway = gateway;
        }
    }

    private HttpResponse<String> get(String path, boolean anthropic) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (anthropic) {
            b.header("anthropic-version", "2023-06-01");
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Answers as the OpenAI ingress would, marked so the test sees who answered. */
    static final class OpenAiStandIn extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("application/json");
            resp.getWriter().write("{\"object\":\"list\",\"data\":[],\"served_by\":\"openai\"}");
        }
    }
}
