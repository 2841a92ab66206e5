package dev.caracal.llm.ollama.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One Ollama server: factory PID {@value OllamaProvider#PID}. */
@ObjectClassDefinition(
        name = "Caracal LLM provider: Ollama",
        description = "An Ollama server spoken to through its native API (one configuration per server). Registers "
                + "a ChatModel and one EmbeddingModel per configured embedding model.")
public @interface OllamaConfig {

    @AttributeDefinition(
            name = "Provider id",
            description = "Unique id of this provider instance, used by routes "
                    + "(service property caracal.provider.id) and as the prefix of its embedding model names.")
    String id();

    @AttributeDefinition(
            name = "Base URL",
            description = "The server root, without /api (Ollama listens on " + "http://localhost:11434 by default).")
    String baseUrl() default "http://localhost:11434";

    @AttributeDefinition(
            name = "API key",
            type = AttributeType.PASSWORD,
            required = false,
            description = "Sent as a bearer token, for an Ollama behind an authenticating proxy; empty for a plain "
                    + "Ollama. ${env:NAME} reads it from the environment. Never logged nor published.")
    String apiKey() default "";

    @AttributeDefinition(
            name = "Models",
            required = false,
            description = "Comma-separated chat models; listed " + "when GET /api/tags cannot be reached.")
    String models() default "";

    @AttributeDefinition(
            name = "Embedding models",
            required = false,
            description = "Comma-separated embedding "
                    + "models to register, each as name or name:dimensions (for example nomic-embed-text:768). Without "
                    + "dimensions the size is learnt from the first call. Each is registered as an EmbeddingModel named "
                    + "<id>/<name>.")
    String embeddingModels() default "";

    @AttributeDefinition(
            name = "Keep alive",
            required = false,
            description = "How long Ollama keeps a model "
                    + "loaded after a request: a duration (5m, 1h), seconds (300), -1 for ever or 0 to unload at once. "
                    + "Empty: Ollama's own default.")
    String keepAlive() default "";

    @AttributeDefinition(name = "Connect timeout (ms)")
    int connectTimeoutMs() default 10_000;

    @AttributeDefinition(
            name = "Request timeout (ms)",
            description = "Longest wait for a complete answer (model "
                    + "loading included); for a stream, for the response headers and then between two received lines.")
    int requestTimeoutMs() default 300_000;

    @AttributeDefinition(
            name = "Max retries",
            description = "Extra attempts after a retryable failure (429, 5xx, "
                    + "timeouts, connection errors); never once a stream has delivered an event.")
    int maxRetries() default 2;

    @AttributeDefinition(
            name = "Retry base delay (ms)",
            description = "Backoff: a random delay in "
                    + "[0, min(max, base * 2^attempt)], unless the server says Retry-After.")
    int retryBaseDelayMs() default 500;

    @AttributeDefinition(
            name = "Retry max delay (ms)",
            description = "Cap of the backoff. A Retry-After longer "
                    + "than this is not waited for: the failure is reported with its retry-after instead.")
    int retryMaxDelayMs() default 8_000;

    @AttributeDefinition(
            name = "Max concurrency",
            description = "Most requests of one batch in flight at once "
                    + "(a batch call may ask for fewer). Match it to the server's OLLAMA_NUM_PARALLEL.")
    int maxConcurrency() default 2;

    @AttributeDefinition(name = "Model list cache (s)", description = "How long a GET /api/tags answer is reused.")
    int modelsCacheSeconds() default 60;
}
