package dev.caracal.llm;

/**
 * Token usage. {@code inputTokens} counts every input token, including those read from the provider's prompt cache
 * ({@code cachedInputTokens}) and those written to it ({@code cacheCreationInputTokens}): both are counted within
 * {@code inputTokens}, whatever the vendor's own accounting (Anthropic reports them separately; providers add them).
 */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens, long cacheCreationInputTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                cachedInputTokens + other.cachedInputTokens,
                cacheCreationInputTokens + other.cacheCreationInputTokens);
    }
}
