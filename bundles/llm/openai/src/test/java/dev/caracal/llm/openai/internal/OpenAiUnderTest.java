package dev.caracal.llm.openai.internal;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.support.Delayer;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.ProviderUnderTest;
import dev.caracal.llm.testkit.Wire;
import java.util.Map;
import org.osgi.framework.BundleContext;

/**
 * The OpenAI provider as the test kit's shared scenarios see it, and the settings, configurations and requests this
 * bundle's own tests build.
 */
final class OpenAiUnderTest extends ProviderUnderTest<OpenAiChatModel> {

    static final OpenAiUnderTest PROVIDER = new OpenAiUnderTest();
    static final String API_KEY = "sk-test-Zq8vX2mK4pL9sT1uW3yB6nR0";
    static final String MODEL = "gpt-4o";

    private static final Map<Integer, String> MESSAGES = Map.of(
            400, "bad field",
            401, "bad key",
            403, "not allowed",
            404, "no such model",
            429, "slow down",
            500, "oops",
            502, "bad gateway",
            503, "overloaded",
            504, "gateway timeout",
            529, "overloaded");

    private OpenAiUnderTest() {
        super(
                "openai",
                "mock",
                MODEL,
                API_KEY,
                // ids on the wire, answer details reported, arguments streamed in pieces, thinking unsigned
                new Wire("/v1/chat/completions", "authorization", "chatcmpl-", "call_", true, true, true, false));
    }

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

    /** aimock counts o-series names as reasoning models (it would warn about reasoning for gpt-4o). */
    @Override
    public String reasoningModel() {
        return "o4-mini";
    }

    @Override
    public String baseUrl(String root) {
        return root + "/v1";
    }

    @Override
    public OpenAiChatModel chatModel(String baseUrl, Map<String, Object> overrides, Delayer delayer) {
        Settings settings = settings(baseUrl, overrides);
        return delayer == null ? new OpenAiChatModel(settings) : new OpenAiChatModel(settings, delayer);
    }

    @Override
    public String settingsText(String baseUrl, Map<String, Object> overrides) {
        return settings(baseUrl, overrides).toString();
    }

    @Override
    public boolean hasApiKey(Map<String, Object> configuration) {
        return Settings.from(config(configuration)).hasApiKey();
    }

    @Override
    public AutoCloseable activate(BundleContext context, Map<String, Object> configuration) {
        return new OpenAiProvider(context, config(configuration))::deactivate;
    }

    @Override
    public String errorType(int status) {
        return switch (status) {
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    @Override
    public String errorMessage(int status) {
        return MESSAGES.getOrDefault(status, "HTTP " + status);
    }

    @Override
    public String answeredHttp(String baseUrl, int status) {
        return "upstream answered HTTP " + status;
    }

    @Override
    public boolean hasEmbeddings() {
        return true;
    }

    @Override
    public EmbeddingModel embeddingModel(OpenAiChatModel chat, String name, int dimensions) {
        return OpenAiEmbeddingModel.of(chat, new Settings.EmbeddingSpec(name, dimensions));
    }
}
