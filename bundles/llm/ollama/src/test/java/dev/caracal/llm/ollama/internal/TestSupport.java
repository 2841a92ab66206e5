package dev.caracal.llm.ollama.internal;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.Message;
import dev.caracal.llm.testkit.ProviderTests;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/** Settings, configurations and requests shared by the tests (stream recorders and delayers: caracal-llm-testkit). */
final class TestSupport {

    static final String API_KEY = "olk-proxy-Hq7vT3mZ9pL2sX8uW4yC6nR1";
    static final String MODEL = "llama3.2";

    private TestSupport() {}

    /** Settings for a provider at {@code baseUrl} (the server root), with overrides by name. */
    static Settings settings(String baseUrl, Map<String, Object> overrides) {
        return Settings.from(
                config(ProviderTests.testConfigValues(Map.of("id", "local", "baseUrl", baseUrl), overrides)));
    }

    static Settings settings(String baseUrl) {
        return settings(baseUrl, Map.of());
    }

    /** A configuration as Declarative Services would build it: these values, defaults otherwise. */
    static OllamaConfig config(Map<String, Object> values) {
        return ProviderTests.config(OllamaConfig.class, values);
    }

    static ChatRequest ask(String userText) {
        return new ChatRequest(MODEL, null, List.of(Message.user(userText)), null, null, null, null, false, null);
    }

    static ChatRequest streamOf(String userText) {
        return new ChatRequest(MODEL, null, List.of(Message.user(userText)), null, null, null, null, true, null);
    }

    /** A local port nothing listens on (bound, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
