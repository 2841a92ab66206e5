package dev.caracal.llm.anthropic.internal;

import dev.caracal.llm.support.ConfigValues;
import dev.caracal.llm.support.ForwardedHeaders;
import dev.caracal.llm.support.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The validated configuration of one provider instance. Neither it nor its {@link #toString()} exposes the key. */
record Settings(
        String id,
        URI baseUrl,
        Secret apiKey,
        String anthropicVersion,
        List<String> betas,
        List<String> models,
        int defaultMaxTokens,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        int maxConcurrency,
        Duration modelsCacheTtl,
        ForwardedHeaders forwardHeaders) {

    static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    static final String DEFAULT_VERSION = "2023-06-01";

    Settings {
        id = ConfigValues.requireId(id);
        ConfigValues.requireHttp(Objects.requireNonNull(baseUrl, "baseUrl"));
        apiKey = apiKey == null ? Secret.NONE : apiKey;
        anthropicVersion =
                anthropicVersion == null || anthropicVersion.isBlank() ? DEFAULT_VERSION : anthropicVersion.trim();
        betas = List.copyOf(betas);
        models = List.copyOf(models);
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens must be at least 1: " + defaultMaxTokens);
        }
        maxRetries = Math.max(0, maxRetries);
        maxConcurrency = Math.max(1, maxConcurrency);
        forwardHeaders = forwardHeaders == null ? ForwardedHeaders.NONE : forwardHeaders;
    }

    static Settings from(AnthropicConfig config) {
        return new Settings(
                config.id(),
                ConfigValues.baseUrl(config.baseUrl(), DEFAULT_BASE_URL),
                Secret.resolve(config.apiKey()),
                config.anthropicVersion(),
                ConfigValues.splitList(config.betas()),
                ConfigValues.splitList(config.models()),
                config.defaultMaxTokens(),
                Duration.ofMillis(Math.max(1, config.connectTimeoutMs())),
                Duration.ofMillis(Math.max(1, config.requestTimeoutMs())),
                config.maxRetries(),
                Duration.ofMillis(Math.max(0, config.retryBaseDelayMs())),
                Duration.ofMillis(Math.max(0, config.retryMaxDelayMs())),
                config.maxConcurrency(),
                Duration.ofSeconds(Math.max(0, config.modelsCacheSeconds())),
                ForwardedHeaders.parse(config.forwardHeaders()));
    }

    URI endpoint(String path) {
        return URI.create(baseUrl + path);
    }

    @Override
    public String toString() {
        return "Settings[id=" + id + ", baseUrl=" + baseUrl + ", apiKey=" + apiKey.describe() + ", anthropicVersion="
                + anthropicVersion + ", betas=" + betas + ", models=" + models + ", defaultMaxTokens="
                + defaultMaxTokens + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxRetries=" + maxRetries + ", retryBaseDelay=" + retryBaseDelay + ", retryMaxDelay="
                + retryMaxDelay + ", maxConcurrency=" + maxConcurrency + ", modelsCacheTtl=" + modelsCacheTtl
                + ", forwardHeaders=" + forwardHeaders.names() + "]";
    }
}
