package dev.caracal.llm.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The provider-neutral half of an HTTP embedding model: its name, splitting a large input list into requests the
 * upstream takes, the {@code {"model": ..., "input": [...]}} request body and reading a JSON array of numbers. The
 * request's other fields, the answer's shape and its checks stay in the provider.
 */
public final class EmbeddingCalls {

    private EmbeddingCalls() {}

    /** The name collections refer to and the {@code caracal.embedding.model} service property: {@code <id>/<model>}. */
    public static String modelName(String providerId, String model) {
        return providerId + "/" + model;
    }

    /**
     * Embeds {@code inputs} in slices of at most {@code maxPerRequest}, one {@code embedSlice} call each, in order;
     * the vectors are concatenated and the input tokens added up.
     */
    public static Embeddings inSlices(
            List<String> inputs, int maxPerRequest, Function<List<String>, Embeddings> embedSlice) {
        List<float[]> vectors = new ArrayList<>(inputs.size());
        long tokens = 0;
        for (int from = 0; from < inputs.size(); from += maxPerRequest) {
            List<String> slice = inputs.subList(from, Math.min(inputs.size(), from + maxPerRequest));
            Embeddings part = embedSlice.apply(slice);
            vectors.addAll(part.vectors());
            tokens += part.inputTokens();
        }
        return new Embeddings(vectors, tokens);
    }

    /**
     * A new request body {@code {"model": model, "input": [inputs...]}}; further fields are added after these.
     *
     * @throws LlmException {@code INVALID_REQUEST} if an input is null
     */
    public static ObjectNode requestBody(String model, List<String> inputs) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        ArrayNode input = body.putArray("input");
        for (String text : inputs) {
            if (text == null) {
                throw new LlmException(ErrorKind.INVALID_REQUEST, "an embedding input is null");
            }
            input.add(text);
        }
        return body;
    }

    /**
     * The numbers of a JSON array (the caller has checked it is one) as floats.
     *
     * @throws LlmException {@code UPSTREAM} (as if with HTTP 200) if an element is not a number
     */
    public static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = array.get(i);
            if (!x.isNumber()) {
                throw new LlmException(ErrorKind.UPSTREAM, "an embedding holds a non-number", 200, null, null);
            }
            v[i] = (float) x.asDouble();
        }
        return v;
    }
}
