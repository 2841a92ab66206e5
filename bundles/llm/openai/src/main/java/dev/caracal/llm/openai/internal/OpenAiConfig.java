package dev.caracal.llm.openai.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One OpenAI (or OpenAI-compatible) account or endpoint: factory PID {@value OpenAiProvider#PID}. */
@ObjectClassDefinition(
        name = "Caracal LLM provider: OpenAI",
        description = "An OpenAI or OpenAI-compatible endpoint (one configuration per account or endpoint). Registers "
                + "a ChatModel and one EmbeddingModel per configured embedding model.")
public @interface OpenAiConfig {

    @AttributeDefinition(
            name = "Provider id",
            description = "Unique id of this provider instance, used by routes "
                    + "(service property caracal.provider.id) and as the prefix of its embedding model names.")
    String id();

    @AttributeDefinition(name = "Base URL", description = "The API root, ending before /chat/completions.")
    String baseUrl() default "https://api.openai.com/v1";

    @AttributeDefinition(
            name = "API key",
            type = AttributeType.PASSWORD,
            required = false,
            description = "Sent as a bearer token; empty for local endpoints. Use ${env:OPENAI_API_KEY} to read it "
                    + "from the environment. Never logged nor published as a service property.")
    String apiKey() default "";

    @AttributeDefinition(name = "Organization", required = false, description = "Sent as OpenAI-Organization when set.")
    String organization() default "";

    @AttributeDefinition(name = "Project", required = false, description = "Sent as OpenAI-Project when set.")
    String project() default "";

    @AttributeDefinition(
            name = "Models",
            required = false,
            description = "Comma-separated chat models this "
                    + "endpoint serves; listed when the upstream /models cannot be reached.")
    String models() default "";

    @AttributeDefinition(
            name = "Embedding models",
            required = false,
            description = "Comma-separated embedding "
                    + "models to register, each as name or name:dimensions (for example text-embedding-3-small, "
                    + "text-embedding-3-large:1024). Known OpenAI models need no dimensions; others must say them. Each is "
                    + "registered as an EmbeddingModel named <id>/<name>.")
    String embeddingModels() default "";

    @AttributeDefinition(
            name = "Max tokens field",
            description = "Request field that carries the output token "
                    + "limit: max_completion_tokens (OpenAI today; required by reasoning models) or max_tokens (older "
                    + "OpenAI-compatible servers).")
    String maxTokensField() default "max_completion_tokens";

    @AttributeDefinition(
            name = "Forwarded client headers",
            description = "Client request headers sent on to this endpoint when a client sets them (comma-separated; "
                    + "credentials and connection headers cannot be listed).")
    String forwardHeaders() default "openai-beta, idempotency-key, traceparent, tracestate";

    @AttributeDefinition(name = "Connect timeout (ms)")
    int connectTimeoutMs() default 10_000;

    @AttributeDefinition(
            name = "Request timeout (ms)",
            description = "Longest wait for a complete answer; for a "
                    + "stream, for the response headers and then between two received lines.")
    int requestTimeoutMs() default 120_000;

    @AttributeDefinition(
            name = "Max retries",
            description = "Extra attempts after a retryable failure (429, 5xx, "
                    + "timeouts, connection errors); never once a stream has delivered an event.")
    int maxRetries() default 2;

    @AttributeDefinition(
            name = "Retry base delay (ms)",
            description = "Backoff: a random delay in "
                    + "[0, min(max, base * 2^attempt)], unless the upstream says retry-after / retry-after-ms.")
    int retryBaseDelayMs() default 500;

    @AttributeDefinition(
            name = "Retry max delay (ms)",
            description = "Cap of the backoff. An upstream retry-after "
                    + "longer than this is not waited for: the failure is reported with its retry-after instead.")
    int retryMaxDelayMs() default 8_000;

    @AttributeDefinition(
            name = "Max concurrency",
            description = "Most requests of one batch in flight at once " + "(a batch call may ask for fewer).")
    int maxConcurrency() default 4;

    @AttributeDefinition(name = "Model list cache (s)", description = "How long an upstream /models answer is reused.")
    int modelsCacheSeconds() default 300;
}
