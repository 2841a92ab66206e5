package dev.caracal.rag;

import java.util.Objects;

/** A question to answer from a collection, with the mode, how many items to retrieve, and the context budget in tokens. */
public record RagQuery(
        String collection, String question, QueryMode mode, int topK, int maxContextTokens, String model) {
    public RagQuery {
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(question, "question");
        mode = mode == null ? QueryMode.MIX : mode;
    }
}
