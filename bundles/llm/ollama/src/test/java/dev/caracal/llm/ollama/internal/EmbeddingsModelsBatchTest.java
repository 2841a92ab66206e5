package dev.caracal.llm.ollama.internal;

import static dev.caracal.llm.ollama.internal.TestSupport.ask;
import static dev.caracal.llm.testkit.ProviderTests.assertBatchResults;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /api/embed, GET /api/tags (and its fallback), and batches with bounded concurrency. */
class EmbeddingsModelsBatchTest {

    private static MockUpstream upstream;
    private static OllamaChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenEmbeddingInput("kittens").embedding(3, 0, 4))
                .fixture(Fixture.whenEmbeddingInput("flat").embedding(1, 0))
                .fixture(Fixture.whenEmbeddingInput("unknown model")
                        .error(404, null, "model \"nope\" not found, try pulling it first"))
                .fixture(Fixture.whenUserSays("bad item").error(400, null, "invalid item"))
                .fixture(Fixture.whenUserSays("batch item").reply("done").chaos(Chaos.latency(150)))
                .fixture(Fixture.whenUserSays("hello").model("llama3.2:3b").reply("hi"))
                .fixture(Fixture.whenUserSays("hello").model("qwen2.5vl:7b").reply("hi"))
                .fixture(Fixture.whenUserSays("hello")
                        .model("nomic-embed-text:latest")
                        .reply("hi"))
                .start();
        model = new OllamaChatModel(TestSupport.settings(
                upstream.baseUrl(),
                Map.of(
                        "embeddingModels",
                        "nomic-embed-text:3, mxbai-embed-large",
                        "maxConcurrency",
                        3,
                        "models",
                        "llama3.2, qwen3",
                        "keepAlive",
                        "10m")));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    private static OllamaEmbeddingModel embedder(int index) {
        return new OllamaEmbeddingModel(
                model, model.settings().embeddingModels().get(index));
    }

    @Test
    void embedsThroughApiEmbedAsUnitVectors() {
        OllamaEmbeddingModel embedder = embedder(0);
        assertEquals("local/nomic-embed-text", embedder.name());
        assertEquals(3, embedder.dimension());
        assertTrue(embedder.normalized());
        upstream.clearJournal();
        Embeddings result = embedder.embed(List.of("kittens are cute"));
        assertEquals(1, result.vectors().size());
        assertArrayEquals(new float[] {0.6f, 0f, 0.8f}, result.vectors().get(0), 1e-6f);
        JsonNode sent = upstream.journal("/api/embed").get(0).body();
        assertEquals("nomic-embed-text", sent.path("model").asText());
        assertEquals("kittens are cute", sent.path("embeddingInput").asText());
        assertEquals(List.of(), embedder.embed(List.of()).vectors());
    }

    @Test
    void learnsTheSizeFromTheFirstCall() {
        OllamaEmbeddingModel embedder = embedder(1);
        assertEquals("local/mxbai-embed-large", embedder.name());
        assertEquals(0, embedder.knownDimension(), "not configured, nothing asked yet");
        assertTrue(embedder.toString().contains("size not known yet"));
        int size = embedder.dimension(); // asks the server with a probe (aimock: its deterministic vector)
        assertTrue(size > 0);
        assertEquals(size, embedder.embed(List.of("anything at all")).vectors().get(0).length);
        assertEquals(
                size + " dimensions", embedder.toString().replaceAll(".*, ", "").replace("]", ""));
    }

    @Test
    void aVectorOfTheWrongSizeIsAnUpstreamError() {
        LlmException e = assertThrows(LlmException.class, () -> embedder(0).embed(List.of("flat")));
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        assertTrue(e.getMessage().contains("answered 2 dimensions, configured 3"), e.getMessage());
    }

    @Test
    void anUnknownEmbeddingModelIsNotFound() {
        LlmException e = assertThrows(LlmException.class, () -> embedder(0).embed(List.of("unknown model")));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
    }

    @Test
    void listsThePulledModelsWithCapabilities() {
        List<ModelInfo> models = model.models();
        assertEquals(
                List.of("llama3.2:3b", "qwen2.5vl:7b", "nomic-embed-text:latest"),
                models.stream().map(ModelInfo::id).toList());
        assertTrue(models.stream().allMatch(m -> m.providerId().equals("local")));
        // aimock does not serve /api/show: capabilities are guessed from the names
        assertTrue(models.get(0).capabilities().tools());
        assertFalse(models.get(0).capabilities().vision());
        assertTrue(models.get(1).capabilities().vision());
        assertTrue(models.get(2).capabilities().embeddings());
        assertFalse(models.get(2).capabilities().streaming());
    }

    @Test
    void fallsBackToTheConfiguredModelsWhenTheServerCannotList() throws Exception {
        // aimock applies no chaos to /api/tags: a server that is not running stands for one that cannot list
        OllamaChatModel fresh = new OllamaChatModel(TestSupport.settings(
                "http://127.0.0.1:" + TestSupport.closedPort(),
                Map.of("models", "llama3.2, qwen3", "embeddingModels", "nomic-embed-text:768")));
        try {
            assertEquals(
                    List.of("llama3.2", "qwen3", "nomic-embed-text"),
                    fresh.models().stream().map(ModelInfo::id).toList());
            assertTrue(fresh.models().get(2).capabilities().embeddings());
        } finally {
            fresh.close();
        }
    }

    @Test
    void batchRespectsTheConcurrencyBound() throws Exception {
        upstream.resetStats();
        List<ChatRequest> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(ask("batch item " + i));
        }
        requests.add(2, ask("bad item"));
        List<CompletionStage<ChatResponse>> results = model.batch(requests, 2);
        assertEquals(7, results.size());
        assertBatchResults(results, 2, "done");
        // counted by the mock: never more than two of this batch in flight at once
        assertTrue(
                upstream.stats().maxInFlight() <= 2,
                "max in flight " + upstream.stats().maxInFlight());
        assertEquals(7, upstream.stats().requests());
    }

    @Test
    void batchIsCappedByTheConfiguredConcurrency() throws Exception {
        upstream.resetStats();
        List<ChatRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(ask("batch item " + i));
        }
        for (CompletionStage<ChatResponse> r : model.batch(requests, 100)) {
            assertEquals(
                    "done", r.toCompletableFuture().get(30, TimeUnit.SECONDS).text());
        }
        assertTrue(
                upstream.stats().maxInFlight() <= 3,
                "maxConcurrency = 3: " + upstream.stats().maxInFlight());
        assertEquals(8, upstream.stats().requests());
    }
}
