package dev.caracal.llm.openai.internal;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.Message;
import dev.caracal.llm.testkit.ProviderTests;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Settings, configurations and requests shared by the tests (stream recorders and delayers: caracal-llm-testkit). */
final class TestSupport {

    static final String API_KEY = "sk-test-Zq8vX2mK4pL9sT1uW3yB6nR0";

    private TestSupport() {}

    /** Settings for a provider at {@code baseUrl} (the OpenAI root, ending in /v1), with overrides by name. */
    static Settings settings(String baseUrl, Map<String, Object> overrides) {
        return Settings.from(config(ProviderTests.testConfigValues(
                Map.of("id", "mock", "baseUrl", baseUrl, "apiKey", API_KEY), overrides)));
    }

    static Settings settings(String baseUrl) {
        return settings(baseUrl, Map.of());
    }

    /** A configuration as Declarative Services would build it: these values, defaults otherwise. */
    static OpenAiConfig config(Map<String, Object> values) {
        return ProviderTests.config(OpenAiConfig.class, values);
    }

    static ChatRequest ask(String model, String userText) {
        return new ChatRequest(model, null, List.of(Message.user(userText)), null, null, null, null, false, null);
    }

    static URI uri(String s) {
        return URI.create(s);
    }
}
