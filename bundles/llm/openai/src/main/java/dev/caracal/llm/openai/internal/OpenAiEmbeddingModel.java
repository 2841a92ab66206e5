package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.support.EmbeddingCalls;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One embedding model of an endpoint, named {@code <provider id>/<model>} (the name collections refer to and the
 * {@code caracal.embedding.model} service property). Calls {@code POST /embeddings} asking for floats; a base64
 * answer (little-endian float32, what the API sends for {@code encoding_format=base64}) is decoded as well.
 */
final class OpenAiEmbeddingModel implements EmbeddingModel {

    /** The API takes at most this many inputs per request. */
    static final int MAX_INPUTS_PER_REQUEST = 2048;

    private final OpenAiChatModel client;
    private final String model;
    private final String name;
    private final int dimension;
    private final boolean sendDimensions;
    private final boolean normalized;
    private final int maxInputTokens;

    private OpenAiEmbeddingModel(
            OpenAiChatModel client,
            String model,
            int dimension,
            boolean sendDimensions,
            boolean normalized,
            int maxInputTokens) {
        this.client = client;
        this.model = model;
        this.name = EmbeddingCalls.modelName(client.providerId(), model);
        this.dimension = dimension;
        this.sendDimensions = sendDimensions;
        this.normalized = normalized;
        this.maxInputTokens = maxInputTokens;
    }

    /**
     * The model for {@code spec}: OpenAI's own models know their size (text-embedding-3-* may be shortened with
     * {@code :dimensions}, which is then sent as the {@code dimensions} parameter); any other model must state it.
     */
    static OpenAiEmbeddingModel of(OpenAiChatModel client, Settings.EmbeddingSpec spec) {
        String m = spec.model().toLowerCase(Locale.ROOT);
        int nativeSize = switch (m) {
            case "text-embedding-3-small", "text-embedding-ada-002" -> 1536;
            case "text-embedding-3-large" -> 3072;
            default -> 0;
        };
        boolean openAi = nativeSize > 0;
        int dimension = spec.dimensions() > 0 ? spec.dimensions() : nativeSize;
        if (dimension <= 0) {
            throw new IllegalArgumentException("embedding model " + spec.model() + " needs its dimensions: write "
                    + spec.model() + ":<dimensions>");
        }
        boolean send = m.startsWith("text-embedding-3") && spec.dimensions() > 0 && spec.dimensions() != nativeSize;
        // OpenAI's embeddings have unit length; for other servers we cannot know
        return new OpenAiEmbeddingModel(client, spec.model(), dimension, send, openAi, openAi ? 8191 : 512);
    }

    @Override
    public String name() {
        return name;
    }

    String upstreamModel() {
        return model;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public boolean normalized() {
        return normalized;
    }

    @Override
    public int maxInputTokens() {
        return maxInputTokens;
    }

    @Override
    public Embeddings embed(List<String> inputs) {
        client.ensureOpen();
        return EmbeddingCalls.inSlices(inputs, MAX_INPUTS_PER_REQUEST, this::embedSlice);
    }

    private Embeddings embedSlice(List<String> inputs) {
        ObjectNode body = EmbeddingCalls.requestBody(model, inputs);
        body.put("encoding_format", "float");
        if (sendDimensions) {
            body.put("dimensions", dimension);
        }
        String json = Json.write(body);
        return client.withRetries("embedding", () -> {
            String text = client.call(client.post("/embeddings", json, false));
            JsonNode root = Json.tryParse(text);
            if (root == null) {
                throw HttpErrors.malformed("embeddings", text, null);
            }
            return decode(root, inputs.size());
        });
    }

    Embeddings decode(JsonNode root, int expected) {
        JsonNode data = root.get("data");
        if (data == null || !data.isArray()) {
            throw HttpErrors.malformed("embeddings", Json.write(root), null);
        }
        float[][] byIndex = new float[expected][];
        int position = 0;
        for (JsonNode item : data) {
            int index = item.has("index") ? item.get("index").asInt() : position;
            position++;
            if (index < 0 || index >= expected || byIndex[index] != null) {
                throw new LlmException(
                        ErrorKind.UPSTREAM,
                        "the upstream answered embedding index " + index + " for " + expected + " inputs",
                        200,
                        null,
                        null);
            }
            float[] vector = vector(item.get("embedding"));
            if (vector.length != dimension) {
                throw new LlmException(
                        ErrorKind.UPSTREAM,
                        "model " + model + " answered " + vector.length + " dimensions, configured " + dimension,
                        200,
                        null,
                        null);
            }
            byIndex[index] = vector;
        }
        for (int i = 0; i < expected; i++) {
            if (byIndex[i] == null) {
                throw new LlmException(
                        ErrorKind.UPSTREAM, "the upstream answered no embedding for input " + i, 200, null, null);
            }
        }
        long tokens = root.path("usage").path("prompt_tokens").asLong(0);
        return new Embeddings(List.of(byIndex), tokens);
    }

    static float[] vector(JsonNode embedding) {
        if (embedding == null || embedding.isNull()) {
            throw new LlmException(ErrorKind.UPSTREAM, "an embedding is missing", 200, null, null);
        }
        if (embedding.isTextual()) {
            return decodeBase64(embedding.asText());
        }
        if (!embedding.isArray()) {
            throw new LlmException(ErrorKind.UPSTREAM, "an embedding is neither an array nor base64", 200, null, null);
        }
        return EmbeddingCalls.floats(embedding);
    }

    /** Base64 of little-endian IEEE-754 float32 values. */
    static float[] decodeBase64(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new LlmException(ErrorKind.UPSTREAM, "an embedding is not valid base64", 200, null, e);
        }
        if (bytes.length % Float.BYTES != 0) {
            throw new LlmException(
                    ErrorKind.UPSTREAM, "a base64 embedding is not a whole number of float32 values", 200, null, null);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.length / Float.BYTES];
        buffer.asFloatBuffer().get(v);
        return v;
    }

    @Override
    public String toString() {
        return "OpenAiEmbeddingModel[" + name + ", " + dimension + " dimensions]";
    }
}
