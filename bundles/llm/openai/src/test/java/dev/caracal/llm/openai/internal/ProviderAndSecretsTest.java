package dev.caracal.llm.openai.internal;

import dev.caracal.llm.testkit.ProviderLifecycleScenarios;
import java.util.List;
import java.util.Map;

/** The Declarative Services component's registrations and the API key: the test kit's shared scenarios, for OpenAI. */
class ProviderAndSecretsTest extends ProviderLifecycleScenarios<OpenAiChatModel> {

    ProviderAndSecretsTest() {
        super(OpenAiUnderTest.PROVIDER);
    }

    @Override
    protected Map<String, Object> componentConfiguration() {
        return Map.of("organization", "org-1", "embeddingModels", "mock-embed:3, unknown-embed");
    }

    /** unknown-embed is not registered: an unknown model without its size cannot be. */
    @Override
    protected List<String> registeredEmbeddingModels() {
        return List.of("mock-embed");
    }
}
