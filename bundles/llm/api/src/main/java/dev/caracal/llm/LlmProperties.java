package dev.caracal.llm;

/** Service property names by which LLM plugins are discovered. */
public final class LlmProperties {
    /** The provider kind of a {@link ChatModel}: {@code openai}, {@code anthropic}, {@code ollama}, ... */
    public static final String PROVIDER = "caracal.llm.provider";
    /** The instance id of a {@link ChatModel} (one per configured account or endpoint). */
    public static final String PROVIDER_ID = "caracal.provider.id";
    /** The name of an {@link EmbeddingModel}. */
    public static final String EMBEDDING_MODEL = "caracal.embedding.model";

    private LlmProperties() {}
}
