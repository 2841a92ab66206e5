package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.testkit.ModelsAndBatchScenarios;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batches, the model list and embeddings: the test kit's shared scenarios, plus OpenAI's own model list and vectors. */
class EmbeddingsModelsBatchTest extends ModelsAndBatchScenarios<OpenAiChatModel> {

    EmbeddingsModelsBatchTest() {
        super(OpenAiUnderTest.PROVIDER);
    }

    @Override
    protected String configuredEmbeddingModel() {
        return "text-embedding-3-large";
    }

    @Override
    protected Map<String, Object> modelConfiguration() {
        return with(super.modelConfiguration(), Map.of("embeddingModels", "mock-embed:3,text-embedding-3-small"));
    }

    @Test
    void theConfiguredEmbeddingModelsKnowTheirSizes() {
        OpenAiEmbeddingModel embedder = OpenAiEmbeddingModel.of(
                model(), model().settings().embeddingModels().get(0));
        assertEquals("mock/mock-embed", embedder.name());
        assertEquals(3, embedder.dimension());
        assertFalse(embedder.normalized(), "a model OpenAI does not know is not assumed to answer unit vectors");
        Embeddings result = embedder.embed(List.of("kittens are cute", "so are more kittens"));
        assertEquals(2, result.vectors().size());
        assertArrayEquals(new float[] {3f, 0f, 4f}, result.vectors().get(0));
        assertArrayEquals(new float[] {3f, 0f, 4f}, result.vectors().get(1));

        OpenAiEmbeddingModel openAi = OpenAiEmbeddingModel.of(
                model(), model().settings().embeddingModels().get(1));
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
        OpenAiEmbeddingModel embedder = OpenAiEmbeddingModel.of(model(), new Settings.EmbeddingSpec("mock-embed", 3));
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
                () -> OpenAiEmbeddingModel.of(model(), new Settings.EmbeddingSpec("nomic-embed-text", 0)));
    }

    @Test
    void listsTheUpstreamModels() {
        List<ModelInfo> models = model().models();
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
        assertEquals(models, model().models(), "answered from the cache");
    }

    @Test
    void configuredModelsHaveTheCapabilitiesTheirNamesSay() throws Exception {
        List<ModelInfo> models = offlineModels(Map.of("models", "gpt-4o-mini, my-local-model"));
        assertTrue(models.get(0).capabilities().vision());
        assertFalse(models.get(1).capabilities().vision());
    }
}
