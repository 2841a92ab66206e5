package dev.caracal.llm.anthropic.internal;

import dev.caracal.llm.support.Delayer;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.ProviderUnderTest;
import dev.caracal.llm.testkit.Wire;
import java.util.Map;
import org.osgi.framework.BundleContext;

/**
 * The Anthropic provider as the test kit's shared scenarios see it (no embeddings: Anthropic has no such API), and the
 * settings, configurations and requests this bundle's own tests build.
 */
final class AnthropicUnderTest extends ProviderUnderTest<AnthropicChatModel> {

    static final AnthropicUnderTest PROVIDER = new AnthropicUnderTest();
    static final String API_KEY = "sk-ant-test-Zq8vX2mK4pL9sT1uW3yB6nR0";
    static final String MODEL = "claude-sonnet-4-5";

    private static final Map<Integer, String> MESSAGES = Map.of(
            400, "messages: text content blocks must be non-empty",
            401, "invalid x-api-key",
            403, "Your API key does not have permission to use the specified resource.",
            404, "model: claude-9",
            413, "Request exceeds the maximum allowed number of bytes.",
            429, "Number of request tokens has exceeded your per-minute rate limit",
            500, "Internal server error",
            503, "Service unavailable",
            529, "Overloaded");

    private AnthropicUnderTest() {
        super(
                "anthropic",
                "mock",
                MODEL,
                API_KEY,
                // ids on the wire, answer details reported, arguments streamed in pieces, thinking signed
                new Wire("/v1/messages", "x-api-key", "msg_", "toolu_", true, true, true, true));
    }

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

    @Override
    public String baseUrl(String root) {
        return root;
    }

    @Override
    public AnthropicChatModel chatModel(String baseUrl, Map<String, Object> overrides, Delayer delayer) {
        Settings settings = settings(baseUrl, overrides);
        return delayer == null ? new AnthropicChatModel(settings) : new AnthropicChatModel(settings, delayer);
    }

    @Override
    public String settingsText(String baseUrl, Map<String, Object> overrides) {
        return settings(baseUrl, overrides).toString();
    }

    @Override
    public boolean hasApiKey(Map<String, Object> configuration) {
        return Settings.from(config(configuration)).apiKey().isPresent();
    }

    @Override
    public AutoCloseable activate(BundleContext context, Map<String, Object> configuration) {
        return new AnthropicProvider(context, config(configuration))::deactivate;
    }

    @Override
    public String errorType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
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
}
