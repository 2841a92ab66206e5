package dev.caracal.llm;

/** What a model or provider can do. {@code contextTokens} is 0 when unknown. */
public record Capabilities(
        boolean streaming, boolean tools, boolean vision, boolean embeddings, boolean jsonOutput, int contextTokens) {
    public static final Capabilities TEXT_CHAT = new Capabilities(true, false, false, false, false, 0);
}
