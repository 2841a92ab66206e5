package dev.caracal.gateway.openai.http.codec;

import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code POST /v1/embeddings}: the model, the inputs, whether vectors go back as base64, and the
 * {@code dimensions} the client asked for (null when it did not).
 */
public record EmbeddingsCall(String model, List<String> inputs, boolean base64, Integer dimensions) {
    public EmbeddingsCall {
        Objects.requireNonNull(model, "model");
        inputs = List.copyOf(inputs);
    }
}
