package dev.caracal.llm.ollama.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.ModelsAndBatchScenarios;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Batches, the model list and embeddings: the test kit's shared scenarios, plus POST /api/embed's request, sizes
 * learnt from the server and GET /api/tags.
 */
class EmbeddingsModelsBatchTest extends ModelsAndBatchScenarios<OllamaChatModel> {

    EmbeddingsModelsBatchTest() {
        super(OllamaUnderTest.PROVIDER);
    }

    @Override
    protected String configuredEmbeddingModel() {
        return "nomic-embed-text:768";
    }

    @Override
    protected Map<String, Object> modelConfiguration() {
        return with(
                super.modelConfiguration(),
                Map.of(
                        "embeddingModels",
                        "nomic-embed-text:3, mxbai-embed-large",
                        "models",
                        "llama3.2, qwen3",
                        "keepAlive",
                        "10m"));
    }

    @Override
    protected List<Fixture> providerFixtures() {
        // aimock's /api/tags lists the models that fixtures match on
        return List.of(
                Fixture.whenEmbeddingInput("unknown model")
                        .error(404, null, "model \"nope\" not found, try pulling it first"),
                Fixture.whenUserSays("hello").model("llama3.2:3b").reply("hi"),
                Fixture.whenUserSays("hello").model("qwen2.5vl:7b").reply("hi"),
                Fixture.whenUserSays("hello").model("nomic-embed-text:latest").reply("hi"));
    }

    private OllamaEmbeddingModel embedder(int index) {
        return new OllamaEmbeddingModel(
                model(), model().settings().embeddingModels().get(index));
    }

    @Test
    void embedsThroughApiEmbedAsUnitVectors() {
        OllamaEmbeddingModel embedder = embedder(0);
        assertEquals("local/nomic-embed-text", embedder.name());
        assertTrue(embedder.normalized());
        upstream().clearJournal();
        embedder.embed(List.of("kittens are cute"));
        JsonNode sent = upstream().journal("/api/embed").get(0).body();
        assertEquals("nomic-embed-text", sent.path("model").asText());
        assertEquals("kittens are cute", sent.path("embeddingInput").asText());
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
    void aVectorOfTheWrongSizeSaysBothSizes() {
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
        List<ModelInfo> models = model().models();
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
}
