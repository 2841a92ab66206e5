package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockUpstreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static MockUpstream upstream;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("hello").reply("Hi there").usage(7, 2))
                .fixture(Fixture.whenUserSays("weather").toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))
                .fixture(Fixture.whenUserSays("flaky")
                        .sequenceIndex(0)
                        .error(429, "rate_limit_error", "slow down")
                        .retryAfterSeconds(3))
                .fixture(Fixture.whenUserSays("flaky").sequenceIndex(1).reply("recovered"))
                .fixture(Fixture.whenEmbeddingInput("cats").embedding(0.5, -0.25, 1))
                .fixture(Fixture.whenUserSays("park").reply("parked").chaos(Chaos.latency(30_000)))
                .start();
    }

    @AfterAll
    static void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    private static HttpResponse<String> chat(String userText, boolean stream) throws Exception {
        String body = "{\"model\":\"gpt-4o\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString(userText) + "}]}";
        return post("/v1/chat/completions", body);
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer test-key")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersChatCompletionsFromFixtures() throws Exception {
        HttpResponse<String> response = chat("well hello there", false);
        assertEquals(200, response.statusCode());
        JsonNode json = JSON.readTree(response.body());
        assertEquals("Hi there", json.at("/choices/0/message/content").asText());
        assertEquals(7, json.at("/usage/prompt_tokens").asInt());

        JsonNode tool = JSON.readTree(chat("weather in Paris?", false).body());
        assertEquals("tool_calls", tool.at("/choices/0/finish_reason").asText());
        assertEquals("call_1", tool.at("/choices/0/message/tool_calls/0/id").asText());
        assertEquals(
                "{\"city\":\"Paris\"}",
                tool.at("/choices/0/message/tool_calls/0/function/arguments").asText());
    }

    @Test
    void streamsServerSentEvents() throws Exception {
        HttpResponse<String> response = chat("hello stream", true);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertTrue(response.body().contains("chat.completion.chunk"));
        assertTrue(response.body().trim().endsWith("data: [DONE]"));
    }

    @Test
    void sequencesAndRetryAfter() throws Exception {
        HttpResponse<String> first = chat("flaky one", false);
        assertEquals(429, first.statusCode());
        assertEquals("3", first.headers().firstValue("retry-after").orElse(null));
        assertEquals(
                "rate_limit_error",
                JSON.readTree(first.body()).at("/error/type").asText());
        HttpResponse<String> second = chat("flaky one", false);
        assertEquals(200, second.statusCode());
        assertEquals(
                "recovered",
                JSON.readTree(second.body()).at("/choices/0/message/content").asText());
    }

    @Test
    void embeddings() throws Exception {
        HttpResponse<String> response =
                post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[\"about cats\"]}");
        assertEquals(200, response.statusCode());
        JsonNode vector = JSON.readTree(response.body()).at("/data/0/embedding");
        assertEquals(3, vector.size());
        assertEquals(-0.25, vector.get(1).asDouble());
    }

    @Test
    void failNextThenRecoverAndJournal() throws Exception {
        upstream.clearJournal();
        upstream.failNext(2, 503, "server_error", "maintenance");
        assertEquals(503, chat("hello a", false).statusCode());
        assertEquals(503, chat("hello b", false).statusCode());
        assertEquals(200, chat("hello c", false).statusCode());

        List<JournalEntry> journal = upstream.journal("/v1/chat/completions");
        assertEquals(3, journal.size());
        assertEquals(503, journal.get(0).status());
        assertEquals(200, journal.get(2).status());
        assertEquals("[REDACTED]", journal.get(2).header("Authorization")); // aimock never records credentials
        assertEquals("hello c", journal.get(2).body().at("/messages/0/content").asText());
    }

    @Test
    void runtimeFixturesAndChaos() throws Exception {
        upstream.addFixtures(Fixture.whenUserSays("added later").reply("late fixture"));
        assertEquals(
                "late fixture",
                JSON.readTree(chat("added later", false).body())
                        .at("/choices/0/message/content")
                        .asText());

        upstream.setChaos(Chaos.malformed());
        try {
            HttpResponse<String> garbled = chat("hello", false);
            assertEquals(200, garbled.statusCode());
            assertFalse(garbled.body().startsWith("{\""));
        } finally {
            upstream.clearChaos();
        }
        assertEquals(200, chat("hello", false).statusCode());
    }

    @Test
    void countsRequestsInFlight() throws Exception {
        upstream.resetStats();
        List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 3; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"park " + i + "\"}]}"))
                    .build();
            parked.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        RequestStats stats = upstream.stats();
        for (int i = 0; i < 200 && stats.inFlight() < 3; i++) {
            Thread.sleep(25);
            stats = upstream.stats();
        }
        assertEquals(3, stats.inFlight());
        assertEquals(3, stats.maxInFlight());
        assertEquals(3, stats.requests());
        // the parked requests end when the suite's mock closes
        assertNotNull(parked);
    }

    @Test
    void closeEndsTheProcessAndFixtureFilesLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fixtures.json");
        Files.writeString(
                file, "{\"fixtures\":[{\"match\":{\"userMessage\":\"ping\"},\"response\":{\"content\":\"pong\"}}]}");
        MockUpstream own = MockUpstream.builder().fixtureFile(file).start();
        long pid = own.pid();
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(URI.create(own.openAiBaseUrl() + "/chat/completions"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(
                "pong",
                JSON.readTree(response.body()).at("/choices/0/message/content").asText());
        own.close();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "node process still alive");
        own.close(); // idempotent
    }

    @Test
    void requiredApiKeys() throws Exception {
        try (MockUpstream own = MockUpstream.builder()
                .requireApiKeys("sk-right")
                .fixture(Fixture.always().reply("welcome"))
                .start()) {
            String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(own.openAiBaseUrl() + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> wrong = CLIENT.send(
                    request.copy().header("Authorization", "Bearer sk-wrong").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            HttpResponse<String> right = CLIENT.send(
                    request.copy().header("Authorization", "Bearer sk-right").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, right.statusCode());
            assertEquals(1, own.journal().size()); // the control API works with the key; a 401 is not journaled
        }
    }

    @Test
    void resetRestoresTheInitialFixtures() throws Exception {
        MockUpstream own =
                MockUpstream.start(Fixture.whenUserSays("x").sequenceIndex(0).reply("first"));
        try (own) {
            own.replaceFixtures(Fixture.always().reply("replaced"));
            HttpRequest request = HttpRequest.newBuilder(URI.create(own.openAiBaseUrl() + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                    .build();
            assertEquals(
                    "replaced",
                    JSON.readTree(CLIENT.send(request, HttpResponse.BodyHandlers.ofString())
                                    .body())
                            .at("/choices/0/message/content")
                            .asText());
            own.reset();
            assertEquals(
                    "first",
                    JSON.readTree(CLIENT.send(request, HttpResponse.BodyHandlers.ofString())
                                    .body())
                            .at("/choices/0/message/content")
                            .asText());
            assertEquals(
                    404,
                    CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
            assertTrue(own.journal().size() >= 2);
        }
    }
}
