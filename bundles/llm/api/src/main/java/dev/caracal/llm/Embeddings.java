package dev.caracal.llm;

import java.util.List;
import java.util.Objects;

/** The vectors for a list of inputs, in input order, and the tokens the model read. */
public record Embeddings(List<float[]> vectors, long inputTokens) {
    public Embeddings {
        vectors = List.copyOf(Objects.requireNonNull(vectors, "vectors"));
    }
}
