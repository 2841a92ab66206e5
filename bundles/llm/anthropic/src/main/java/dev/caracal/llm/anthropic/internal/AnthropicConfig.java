package dev.caracal.llm.anthropic.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One Anthropic account (or Anthropic-compatible endpoint): factory PID {@value AnthropicProvider#PID}. */
@ObjectClassDefinition(
        name = "Caracal LLM provider: Anthropic",
        description = "An Anthropic Messages API account or compatible endpoint (one configuration per account). "
                + "Registers a ChatModel; Anthropic has no embeddings API.")
public @interface AnthropicConfig {

    @AttributeDefinition(
            name = "Provider id",
            description =
                    "Unique id of this provider instance, used by routes " + "(service property caracal.provider.id).")
    String id();

    @AttributeDefinition(name = "Base URL", description = "The API root, before /v1/messages.")
    String baseUrl() default "https://api.anthropic.com";

    @AttributeDefinition(
            name = "API key",
            type = AttributeType.PASSWORD,
            required = false,
            description = "Sent as x-api-key. ${env:NAME} reads it from the environment (also when it is this "
                    + "default). Never logged nor published as a service property.")
    String apiKey() default "${env:ANTHROPIC_API_KEY}";

    @AttributeDefinition(name = "API version", description = "Sent as anthropic-version.")
    String anthropicVersion() default "2023-06-01";

    @AttributeDefinition(
            name = "Beta features",
            required = false,
            description = "Comma-separated beta names sent as "
                    + "anthropic-beta (for example prompt-caching-2024-07-31); empty for none.")
    String betas() default "";

    @AttributeDefinition(
            name = "Forwarded client headers",
            description = "Client request headers sent on to this endpoint when a client sets them (comma-separated; "
                    + "a client's anthropic-version replaces the configured one, its anthropic-beta values join the "
                    + "configured betas; credentials and connection headers cannot be listed).")
    String forwardHeaders() default "anthropic-beta, anthropic-version, idempotency-key, traceparent, tracestate";

    @AttributeDefinition(
            name = "Models",
            required = false,
            description = "Comma-separated models this account "
                    + "serves; listed when the upstream /v1/models cannot be reached.")
    String models() default "";

    @AttributeDefinition(
            name = "Default max tokens",
            description = "max_tokens sent when a request does not set "
                    + "its own output limit (the Messages API requires one).")
    int defaultMaxTokens() default 4096;

    @AttributeDefinition(name = "Connect timeout (ms)")
    int connectTimeoutMs() default 10_000;

    @AttributeDefinition(
            name = "Request timeout (ms)",
            description = "Longest wait for a complete answer; for a "
                    + "stream, for the response headers and then between two received lines.")
    int requestTimeoutMs() default 300_000;

    @AttributeDefinition(
            name = "Max retries",
            description = "Extra attempts after a retryable failure (408, 429, "
                    + "5xx, 529, timeouts, connection errors); never once a stream has delivered content.")
    int maxRetries() default 2;

    @AttributeDefinition(
            name = "Retry base delay (ms)",
            description = "Backoff: a random delay in "
                    + "[0, min(max, base * 2^attempt)], unless the upstream says retry-after.")
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

    @AttributeDefinition(
            name = "Model list cache (s)",
            description = "How long an upstream /v1/models answer is " + "reused.")
    int modelsCacheSeconds() default 300;
}
