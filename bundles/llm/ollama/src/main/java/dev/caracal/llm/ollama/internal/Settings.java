package dev.caracal.llm.ollama.internal;

import dev.caracal.llm.support.ConfigValues;
import dev.caracal.llm.support.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The validated configuration of one Ollama provider instance. {@link #toString()} never shows the API key. */
record Settings(
        String id,
        URI baseUrl,
        Secret apiKey,
        List<String> models,
        List<EmbeddingSpec> embeddingModels,
        String keepAlive,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        int maxConcurrency,
        Duration modelsCacheTtl) {

    static final String DEFAULT_BASE_URL = "http://localhost:11434";

    /** An embedding model to register; {@code dimensions} 0 means "learn it from the first call". */
    record EmbeddingSpec(String model, int dimensions) {}

    Settings {
        id = ConfigValues.requireId(id);
        ConfigValues.requireHttp(Objects.requireNonNull(baseUrl, "baseUrl"));
        apiKey = apiKey == null ? Secret.NONE : apiKey;
        models = List.copyOf(models);
        embeddingModels = List.copyOf(embeddingModels);
        keepAlive = keepAlive == null || keepAlive.isBlank() ? null : keepAlive.trim();
        if (keepAlive != null && !keepAlive.matches("-?\\d+(\\.\\d+)?|-?(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+")) {
            throw new IllegalArgumentException(
                    "keepAlive is a duration such as 5m, 1h30m, 300 (seconds) or -1: " + keepAlive);
        }
        maxRetries = Math.max(0, maxRetries);
        maxConcurrency = Math.max(1, maxConcurrency);
    }

    static Settings from(OllamaConfig config) {
        URI base = ConfigValues.baseUrl(config.baseUrl(), DEFAULT_BASE_URL);
        if (base.getPath() != null && base.getPath().endsWith("/api")) { // a common slip: the API root
            String s = base.toString();
            base = ConfigValues.baseUrl(s.substring(0, s.length() - 4), DEFAULT_BASE_URL);
        }
        return new Settings(
                config.id(),
                base,
                Secret.resolve(config.apiKey()),
                ConfigValues.splitList(config.models()),
                parseEmbeddingModels(config.embeddingModels()),
                config.keepAlive(),
                Duration.ofMillis(Math.max(1, config.connectTimeoutMs())),
                Duration.ofMillis(Math.max(1, config.requestTimeoutMs())),
                config.maxRetries(),
                Duration.ofMillis(Math.max(0, config.retryBaseDelayMs())),
                Duration.ofMillis(Math.max(0, config.retryMaxDelayMs())),
                config.maxConcurrency(),
                Duration.ofSeconds(Math.max(0, config.modelsCacheSeconds())));
    }

    /**
     * {@code name} or {@code name:dimensions}. Ollama model names carry a tag after a colon
     * ({@code nomic-embed-text:latest}, {@code bge-m3:567m}), so only an all-digit last part is a size:
     * {@code qwen3-embedding:0.6b:1024} is the model {@code qwen3-embedding:0.6b} with 1024 dimensions. A model whose
     * tag is all digits must then be written with its size ({@code model:335:1024}).
     */
    static List<EmbeddingSpec> parseEmbeddingModels(String value) {
        List<EmbeddingSpec> out = new ArrayList<>();
        for (String entry : ConfigValues.splitList(value)) {
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.substring(colon + 1).matches("\\d{1,6}")) {
                out.add(new EmbeddingSpec(
                        entry.substring(0, colon).trim(), Integer.parseInt(entry.substring(colon + 1))));
            } else {
                out.add(new EmbeddingSpec(entry, 0));
            }
        }
        return out;
    }

    URI endpoint(String path) {
        return URI.create(baseUrl + path);
    }

    @Override
    public String toString() {
        return "Settings[id=" + id + ", baseUrl=" + baseUrl + ", apiKey=" + apiKey.describe()
                + ", models=" + models + ", embeddingModels=" + embeddingModels + ", keepAlive=" + keepAlive
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxRetries="
                + maxRetries + ", retryBaseDelay=" + retryBaseDelay + ", retryMaxDelay=" + retryMaxDelay
                + ", maxConcurrency=" + maxConcurrency + ", modelsCacheTtl=" + modelsCacheTtl + "]";
    }
}
