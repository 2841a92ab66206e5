package dev.caracal.llm.openai.internal;

import dev.caracal.llm.support.ConfigValues;
import dev.caracal.llm.support.ForwardedHeaders;
import dev.caracal.llm.support.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The validated configuration of one provider instance. {@link #toString()} never shows the API key.
 */
record Settings(
        String id,
        URI baseUrl,
        String apiKey,
        String organization,
        String project,
        List<String> models,
        List<EmbeddingSpec> embeddingModels,
        String maxTokensField,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        int maxConcurrency,
        Duration modelsCacheTtl,
        ForwardedHeaders forwardHeaders) {

    /** An embedding model to register; {@code dimensions} 0 means "the model's native size". */
    record EmbeddingSpec(String model, int dimensions) {}

    Settings {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is required");
        }
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("id may hold letters, digits, '.', '_' and '-' only: " + id);
        }
        Objects.requireNonNull(baseUrl, "baseUrl");
        String scheme = baseUrl.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("baseUrl must be http(s): " + baseUrl);
        }
        apiKey = apiKey == null ? "" : apiKey.trim();
        organization = blankToNull(organization);
        project = blankToNull(project);
        models = List.copyOf(models);
        embeddingModels = List.copyOf(embeddingModels);
        if (!"max_completion_tokens".equals(maxTokensField) && !"max_tokens".equals(maxTokensField)) {
            throw new IllegalArgumentException(
                    "maxTokensField is max_completion_tokens or max_tokens: " + maxTokensField);
        }
        maxRetries = Math.max(0, maxRetries);
        maxConcurrency = Math.max(1, maxConcurrency);
        forwardHeaders = forwardHeaders == null ? ForwardedHeaders.NONE : forwardHeaders;
    }

    static Settings from(OpenAiConfig config) {
        String base = config.baseUrl() == null || config.baseUrl().isBlank()
                ? "https://api.openai.com/v1"
                : config.baseUrl().trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String key = Secret.isUnresolvedPlaceholder(config.apiKey()) ? "" : config.apiKey();
        return new Settings(
                config.id() == null ? null : config.id().trim(),
                URI.create(base),
                key,
                config.organization(),
                config.project(),
                splitList(config.models()),
                parseEmbeddingModels(config.embeddingModels()),
                config.maxTokensField().trim(),
                Duration.ofMillis(Math.max(1, config.connectTimeoutMs())),
                Duration.ofMillis(Math.max(1, config.requestTimeoutMs())),
                config.maxRetries(),
                Duration.ofMillis(Math.max(0, config.retryBaseDelayMs())),
                Duration.ofMillis(Math.max(0, config.retryMaxDelayMs())),
                config.maxConcurrency(),
                Duration.ofSeconds(Math.max(0, config.modelsCacheSeconds())),
                ForwardedHeaders.parse(config.forwardHeaders()));
    }

    static List<String> splitList(String value) {
        return ConfigValues.splitList(value);
    }

    static List<EmbeddingSpec> parseEmbeddingModels(String value) {
        List<EmbeddingSpec> out = new ArrayList<>();
        for (String entry : splitList(value)) {
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.substring(colon + 1).matches("\\d+")) {
                out.add(new EmbeddingSpec(
                        entry.substring(0, colon).trim(), Integer.parseInt(entry.substring(colon + 1))));
            } else {
                out.add(new EmbeddingSpec(entry, 0));
            }
        }
        return out;
    }

    boolean hasApiKey() {
        return !apiKey.isEmpty();
    }

    URI endpoint(String path) {
        return URI.create(baseUrl + path);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "Settings[id=" + id + ", baseUrl=" + baseUrl + ", apiKey=" + (hasApiKey() ? "(set)" : "(none)")
                + ", organization=" + organization + ", project=" + project + ", models=" + models
                + ", embeddingModels=" + embeddingModels + ", maxTokensField=" + maxTokensField
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxRetries="
                + maxRetries + ", retryBaseDelay=" + retryBaseDelay + ", retryMaxDelay=" + retryMaxDelay
                + ", maxConcurrency=" + maxConcurrency + ", modelsCacheTtl=" + modelsCacheTtl + ", forwardHeaders="
                + forwardHeaders.names() + "]";
    }
}
