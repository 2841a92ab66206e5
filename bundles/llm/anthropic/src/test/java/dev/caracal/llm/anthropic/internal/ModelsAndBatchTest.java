package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.ModelsAndBatchScenarios;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batches and the model list: the test kit's shared scenarios, plus the models Anthropic lists and knows by name. */
class ModelsAndBatchTest extends ModelsAndBatchScenarios<AnthropicChatModel> {

    ModelsAndBatchTest() {
        super(AnthropicUnderTest.PROVIDER);
    }

    @Override
    protected Map<String, Object> modelConfiguration() {
        return with(super.modelConfiguration(), Map.of("models", "claude-sonnet-4-5"));
    }

    @Override
    protected List<Fixture> providerFixtures() {
        // aimock's /v1/models lists the models that fixtures match on
        return List.of(
                Fixture.whenUserSays("opus only").model("claude-opus-4-1").reply("opus"),
                Fixture.whenUserSays("haiku only").model("claude-haiku-4-5").reply("haiku"));
    }

    @Test
    void listsTheUpstreamModels() {
        List<ModelInfo> models = model().models();
        assertEquals(
                List.of("claude-opus-4-1", "claude-haiku-4-5"),
                models.stream().map(ModelInfo::id).toList());
        assertTrue(models.stream().allMatch(m -> m.providerId().equals("mock")));
        Capabilities c = models.get(0).capabilities();
        assertTrue(c.streaming() && c.tools() && c.vision());
        assertFalse(c.embeddings());
        assertEquals(200_000, c.contextTokens());
        // aimock does not journal GET /v1/models; the key is shown to reach it in ProviderAndSecretsTest
    }

    @Test
    void configuredModelsHaveTheCapabilitiesTheirNamesSay() throws Exception {
        List<ModelInfo> models = offlineModels(Map.of("models", "claude-sonnet-4-5, claude-2.1"));
        assertFalse(models.get(1).capabilities().vision());
        assertEquals(200_000, models.get(1).capabilities().contextTokens());
    }

    @Test
    void capabilitiesByName() {
        assertEquals(100_000, ModelCatalog.capabilities("claude-instant-1.2").contextTokens());
        assertEquals(0, ModelCatalog.capabilities("my-proxy-model").contextTokens());
        assertFalse(ModelCatalog.capabilities("my-proxy-model").vision());
    }
}
