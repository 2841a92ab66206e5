package dev.caracal.llm;

/**
 * Token usage. {@code cachedInputTokens} are input tokens read from the provider's prompt cache (counted within
 * {@code inputTokens}); {@code cacheCreationInputTokens} are those written to it.
 */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens, long cacheCreationInputTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cachedInputTokens + other.cachedInputTokens, cacheCreationInputTokens + other.cacheCreationInputTokens);
    }
}
