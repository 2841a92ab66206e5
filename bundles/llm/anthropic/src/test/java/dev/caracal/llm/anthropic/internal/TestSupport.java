package dev.caracal.llm.anthropic.internal;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.Message;
import dev.caracal.llm.testkit.ProviderTests;
import java.util.List;
import java.util.Map;

/** Settings, configurations and requests shared by the tests (stream recorders and delayers: caracal-llm-testkit). */
final class TestSupport {

    static final String API_KEY = "sk-ant-test-Zq8vX2mK4pL9sT1uW3yB6nR0";
    static final String MODEL = "claude-sonnet-4-5";

    private TestSupport() {}

    /** Settings for a provider at {@code baseUrl} (the mock's root, without /v1), with overrides by name. */
    static Settings settings(String baseUrl, Map<String, Object> overrides) {
        return Settings.from(config(ProviderTests.testConfigValues(
                Map.of("id", "mock", "baseUrl", baseUrl, "apiKey", API_KEY), overrides)));
    }

    static Settings settings(String baseUrl) {
        return settings(baseUrl, Map.of());
    }

    /** A configuration as Declarative Services would build it: these values, defaults otherwise. */
    static AnthropicConfig config(Map<String, Object> values) {
        return ProviderTests.config(AnthropicConfig.class, values);
    }

    static ChatRequest ask(String userText) {
        return new ChatRequest(MODEL, null, List.of(Message.user(userText)), null, null, null, null, false, null);
    }

    static ChatRequest streamed(String userText) {
        return new ChatRequest(MODEL, null, List.of(Message.user(userText)), null, null, null, null, true, null);
    }
}
