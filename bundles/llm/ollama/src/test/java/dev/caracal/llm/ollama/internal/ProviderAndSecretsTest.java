package dev.caracal.llm.ollama.internal;

import dev.caracal.llm.testkit.ProviderLifecycleScenarios;
import java.util.List;
import java.util.Map;

/**
 * The Declarative Services component's registrations and the bearer key of an authenticating proxy in front of
 * Ollama (the mock plays that proxy): the test kit's shared scenarios, for Ollama.
 */
class ProviderAndSecretsTest extends ProviderLifecycleScenarios<OllamaChatModel> {

    ProviderAndSecretsTest() {
        super(OllamaUnderTest.PROVIDER);
    }

    @Override
    protected Map<String, Object> componentConfiguration() {
        return Map.of("embeddingModels", "nomic-embed-text:3, mxbai-embed-large");
    }

    /** Both: mxbai-embed-large learns its size from the server later. */
    @Override
    protected List<String> registeredEmbeddingModels() {
        return List.of("nomic-embed-text", "mxbai-embed-large");
    }
}
