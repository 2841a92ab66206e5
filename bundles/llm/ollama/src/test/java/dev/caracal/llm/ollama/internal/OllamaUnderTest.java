package dev.caracal.llm.ollama.internal;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.support.Delayer;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.ProviderUnderTest;
import dev.caracal.llm.testkit.Wire;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;

/**
 * The Ollama provider as the test kit's shared scenarios see it, and the settings, configurations and requests this
 * bundle's own tests build. Ollama's wire carries no answer or tool-call ids (the provider makes them), and no error
 * type: errors are {@code {"error": "text"}}.
 */
final class OllamaUnderTest extends ProviderUnderTest<OllamaChatModel> {

    static final OllamaUnderTest PROVIDER = new OllamaUnderTest();
    /** The key of an authenticating proxy in front of Ollama (Ollama itself takes none). */
    static final String API_KEY = "olk-proxy-Hq7vT3mZ9pL2sX8uW4yC6nR1";

    static final String MODEL = "llama3.2";

    private static final Map<Integer, String> MESSAGES = Map.of(
            400, "invalid option num_ctx",
            401, "unauthorized",
            403, "forbidden",
            404, "not found",
            429, "slow down",
            500, "llama runner process has terminated",
            503, "server busy, please try again",
            529, "overloaded");

    private OllamaUnderTest() {
        super(
                "ollama",
                "local",
                MODEL,
                API_KEY,
                // no ids on the wire (the provider makes them), no answer details from aimock (zero usage, the model
                // asked for, done_reason stop), each tool call whole, thinking unsigned
                new Wire("/api/chat", "authorization", "ollama-", "call_", false, false, false, false));
    }

    /** Settings for a provider at {@code baseUrl} (the server root), without a key, with overrides by name. */
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
        return ChatRequests.ask(MODEL, userText);
    }

    @Override
    public String reasoningModel() {
        return "qwen3";
    }

    @Override
    public String baseUrl(String root) {
        return root;
    }

    @Override
    public OllamaChatModel chatModel(String baseUrl, Map<String, Object> overrides, Delayer delayer) {
        Settings settings = settings(baseUrl, withKey(overrides));
        return delayer == null ? new OllamaChatModel(settings) : new OllamaChatModel(settings, delayer);
    }

    @Override
    public String settingsText(String baseUrl, Map<String, Object> overrides) {
        return settings(baseUrl, withKey(overrides)).toString();
    }

    /** The scenarios' models go through the authenticating proxy: the key, then {@code overrides}. */
    private static Map<String, Object> withKey(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(Map.of("apiKey", API_KEY));
        values.putAll(overrides);
        return values;
    }

    @Override
    public boolean hasApiKey(Map<String, Object> configuration) {
        return Settings.from(config(configuration)).apiKey().isPresent();
    }

    @Override
    public AutoCloseable activate(BundleContext context, Map<String, Object> configuration) {
        return new OllamaProvider(context, config(configuration))::deactivate;
    }

    @Override
    public String errorType(int status) {
        return null;
    }

    @Override
    public String errorMessage(int status) {
        return MESSAGES.getOrDefault(status, "HTTP " + status);
    }

    @Override
    public String answeredHttp(String baseUrl, int status) {
        return "Ollama at " + baseUrl + " answered HTTP " + status;
    }

    @Override
    public boolean hasEmbeddings() {
        return true;
    }

    @Override
    public EmbeddingModel embeddingModel(OllamaChatModel chat, String name, int dimensions) {
        return new OllamaEmbeddingModel(chat, new Settings.EmbeddingSpec(name, dimensions));
    }
}
