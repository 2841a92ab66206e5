package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.testkit.ProviderLifecycleScenarios;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Declarative Services component's registration (a chat model only: Anthropic has no embeddings API) and the API
 * key: the test kit's shared scenarios, plus Anthropic's defaults and the model list fetched with the key.
 */
class ProviderAndSecretsTest extends ProviderLifecycleScenarios<AnthropicChatModel> {

    ProviderAndSecretsTest() {
        super(AnthropicUnderTest.PROVIDER);
    }

    @Test
    void theModelListIsFetchedWithTheKeyToo() throws Exception {
        // the mock refuses requests without the key, and lists the models its fixtures name
        try (AnthropicChatModel model = newModel(Map.of())) {
            assertEquals(
                    List.of("claude-sonnet-4-5"),
                    model.models().stream().map(ModelInfo::id).toList());
        }
    }

    @Test
    void keyPlaceholdersResolveFromTheEnvironment() {
        Settings byDefault = Settings.from(AnthropicUnderTest.config(Map.of("id", "x")));
        assertEquals(
                System.getenv("ANTHROPIC_API_KEY") != null
                        && !System.getenv("ANTHROPIC_API_KEY").isBlank(),
                byDefault.apiKey().isPresent(),
                "the default ${env:ANTHROPIC_API_KEY} is looked up");
        assertEquals("https://api.anthropic.com", byDefault.baseUrl().toString());
        assertEquals("2023-06-01", byDefault.anthropicVersion());
        assertEquals(4096, byDefault.defaultMaxTokens());
        String path = System.getenv("PATH");
        if (path != null && path.length() >= 4) { // any variable that is set proves the lookup
            assertEquals(
                    path,
                    Settings.from(AnthropicUnderTest.config(Map.of("id", "x", "apiKey", "${env:PATH}")))
                            .apiKey()
                            .reveal());
        }
    }

    @Test
    void refusesABaseUrlThatIsNotHttpAndMaxTokensBelowOne() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.from(AnthropicUnderTest.config(Map.of("id", "x", "baseUrl", "ftp://example.com"))));
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.from(AnthropicUnderTest.config(Map.of("id", "x", "defaultMaxTokens", 0))));
    }
}
