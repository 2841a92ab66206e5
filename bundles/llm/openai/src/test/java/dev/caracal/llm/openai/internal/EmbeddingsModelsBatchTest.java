package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.openai.internal.TestSupport.ask;
import static dev.caracal.llm.testkit.ProviderTests.assertBatchResults;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Embeddings, model listing and batches against aimock. */
class EmbeddingsModelsBatchTest {

    private static MockUpstream upstream;
    private static OpenAiChatModel model;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenEmbeddingInput("kittens").embedding(0.5, -0.25, 1.0))
                .fixture(Fixture.whenUserSays("batch item").reply("done").chaos(Chaos.latency(300)))
                .fixture(Fixture.whenUserSays("bad item").error(400, "invalid_request_error", "nope"))
                .start();
        model = new OpenAiChatModel(TestSupport.settings(
                upstream.openAiBaseUrl(),
                Map.of("embeddingModels", "mock-embed:3,text-embedding-3-small", "maxConcurrency", 4)));
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    @Test
    void embedsThroughTheEmbeddingsEndpoint() {
        OpenAiEmbeddingModel embedder = OpenAiEmbeddingModel.of(
                model, model.settings().embeddingModels().get(0));
        assertEquals("mock/mock-embed", embedder.name());
        assertEquals(3, embedder.dimension());
        assertFalse(embedder.normalized());
        Embeddings result = embedder.embed(List.of("kittens are cute", "so are more kittens"));
        assertEquals(2, result.vectors().size());
        assertArrayEquals(new float[] {0.5f, -0.25f, 1.0f}, result.vectors().get(0));
        assertArrayEquals(new float[] {0.5f, -0.25f, 1.0f}, result.vectors().get(1));
        assertEquals(List.of(), embedder.embed(List.of()).vectors());

        OpenAiEmbeddingModel openAi = OpenAiEmbeddingModel.of(
                model, model.settings().embeddingModels().get(1));
        assertEquals("mock/text-embedding-3-small", openAi.name());
        assertEquals(1536, openAi.dimension());
        assertTrue(openAi.normalized());
        // aimock answers the fixture's 3 numbers: a size the model cannot have is an upstream error
        LlmException e = assertThrows(LlmException.class, () -> openAi.embed(List.of("kittens")));
        assertEquals(ErrorKind.UPSTREAM, e.kind());
    }

    @Test
    void decodesBase64Embeddings() {
        float[] values = {0.125f, -2.5f, 3.0e-4f};
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        String b64 = Base64.getEncoder().encodeToString(buffer.array());
        assertArrayEquals(values, OpenAiEmbeddingModel.decodeBase64(b64));
        assertArrayEquals(
                values, OpenAiEmbeddingModel.vector(Json.MAPPER.getNodeFactory().textNode(b64)));
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(LlmException.class, () -> OpenAiEmbeddingModel.decodeBase64("AAE="))
                        .kind());
        OpenAiEmbeddingModel embedder = OpenAiEmbeddingModel.of(model, new Settings.EmbeddingSpec("mock-embed", 3));
        Embeddings decoded = embedder.decode(
                Json.tryParse("{\"data\":[{\"index\":1,\"embedding\":\"" + b64
                        + "\"},{\"index\":0,\"embedding\":[1,2,3]}],\"usage\":{\"prompt_tokens\":5}}"),
                2);
        assertArrayEquals(new float[] {1, 2, 3}, decoded.vectors().get(0));
        assertArrayEquals(values, decoded.vectors().get(1));
        assertEquals(5, decoded.inputTokens());
    }

    @Test
    void unknownEmbeddingModelsNeedTheirDimensions() {
        assertThrows(
                IllegalArgumentException.class,
                () -> OpenAiEmbeddingModel.of(model, new Settings.EmbeddingSpec("nomic-embed-text", 0)));
    }

    @Test
    void listsTheUpstreamModels() {
        List<ModelInfo> models = model.models();
        ModelInfo gpt4o =
                models.stream().filter(m -> m.id().equals("gpt-4o")).findFirst().orElseThrow();
        assertEquals("mock", gpt4o.providerId());
        assertTrue(gpt4o.capabilities().streaming());
        assertTrue(gpt4o.capabilities().tools());
        assertTrue(gpt4o.capabilities().vision());
        assertEquals(128_000, gpt4o.capabilities().contextTokens());
        ModelInfo embedding = models.stream()
                .filter(m -> m.id().equals("text-embedding-3-small"))
                .findFirst()
                .orElseThrow();
        assertTrue(embedding.capabilities().embeddings());
        assertFalse(embedding.capabilities().streaming());
        assertTrue(models.stream().noneMatch(m -> m.id().contains("whisper") || m.id().contains("tts")));
        assertEquals(models, model.models(), "answered from the cache");
    }

    @Test
    void fallsBackToTheConfiguredModels() {
        String deadBase;
        try (MockUpstream dead = MockUpstream.start()) {
            deadBase = dead.openAiBaseUrl();
        }
        try (OpenAiChatModel offline = new OpenAiChatModel(TestSupport.settings(
                deadBase,
                Map.of("models", "gpt-4o-mini, my-local-model", "embeddingModels", "text-embedding-3-large")))) {
            List<ModelInfo> models = offline.models();
            assertEquals(
                    List.of("gpt-4o-mini", "my-local-model", "text-embedding-3-large"),
                    models.stream().map(ModelInfo::id).toList());
            assertFalse(models.get(1).capabilities().vision());
            assertTrue(models.get(2).capabilities().embeddings());
        }
    }

    @Test
    void batchRespectsTheConcurrencyBound() throws Exception {
        upstream.resetStats();
        List<ChatRequest> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(ask("gpt-4o", "batch item " + i));
        }
        requests.add(2, ask("gpt-4o", "bad item"));
        List<CompletionStage<ChatResponse>> results = model.batch(requests, 2);
        assertEquals(7, results.size());
        assertBatchResults(results, 2, "done");
        // counted by the mock: never more than two of this batch in flight at once, and two did overlap
        assertEquals(2, upstream.stats().maxInFlight());
        assertEquals(7, upstream.stats().requests());
    }

    @Test
    void batchIsCappedByTheConfiguredConcurrency() throws Exception {
        upstream.resetStats();
        List<ChatRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(ask("gpt-4o", "batch item " + i));
        }
        for (CompletionStage<ChatResponse> r : model.batch(requests, 100)) {
            assertEquals(
                    "done", r.toCompletableFuture().get(30, TimeUnit.SECONDS).text());
        }
        assertTrue(upstream.stats().maxInFlight() <= 4, upstream.stats().toString());
    }
}
