package dev.caracal.llm.ollama.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.support.EmbeddingCalls;
import dev.caracal.llm.support.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One embedding model of an Ollama server, named {@code <provider id>/<model>} (the name collections refer to and the
 * {@code caracal.embedding.model} service property). Calls {@code POST /api/embed} with the inputs as a list.
 *
 * <p>The size is the configured one, or learnt from the first answer (a call to {@link #dimension()} before any
 * {@link #embed} asks the server with a one-word probe). Every vector is scaled to unit length, which is what
 * Ollama's {@code /api/embed} already returns, so {@link #normalized()} holds whatever server answers.
 */
final class OllamaEmbeddingModel implements EmbeddingModel {

    /** Inputs per request: Ollama embeds a request's inputs in one batch, so large lists are split. */
    static final int MAX_INPUTS_PER_REQUEST = 256;
    /** Ollama truncates an input to the model's context; 2048 tokens is its default context size. */
    static final int MAX_INPUT_TOKENS = 2048;

    static final String EMBED_PATH = "/api/embed";
    private static final String PROBE = "dimension probe";

    private final OllamaChatModel client;
    private final String model;
    private final String name;
    private final int configuredDimension;
    private volatile int learntDimension;

    OllamaEmbeddingModel(OllamaChatModel client, Settings.EmbeddingSpec spec) {
        this.client = client;
        this.model = spec.model();
        this.name = EmbeddingCalls.modelName(client.providerId(), spec.model());
        this.configuredDimension = spec.dimensions();
    }

    @Override
    public String name() {
        return name;
    }

    String upstreamModel() {
        return model;
    }

    /** The size if known yet, else 0 (no call made). */
    int knownDimension() {
        return configuredDimension > 0 ? configuredDimension : learntDimension;
    }

    @Override
    public int dimension() {
        int known = knownDimension();
        if (known > 0) {
            return known;
        }
        synchronized (this) {
            if (learntDimension == 0) {
                embed(List.of(PROBE)); // sets learntDimension, or throws why it cannot
            }
            return learntDimension;
        }
    }

    @Override
    public boolean normalized() {
        return true;
    }

    @Override
    public int maxInputTokens() {
        return MAX_INPUT_TOKENS;
    }

    @Override
    public Embeddings embed(List<String> inputs) {
        client.ensureOpen();
        return EmbeddingCalls.inSlices(inputs, MAX_INPUTS_PER_REQUEST, this::embedSlice);
    }

    private Embeddings embedSlice(List<String> inputs) {
        ObjectNode body = EmbeddingCalls.requestBody(model, inputs);
        RequestMapper.putKeepAlive(body, client.settings().keepAlive());
        String json = Json.write(body);
        return client.withRetries("embedding", () -> {
            String text = client.call(client.post(EMBED_PATH, json));
            JsonNode root = Json.tryParse(text);
            if (root == null || !root.isObject()) {
                throw client.errors().malformed("embeddings", text);
            }
            return decode(root, inputs.size());
        });
    }

    /**
     * {@code {"embeddings": [[...], ...], "prompt_eval_count": n}}, one vector per input in input order. The older
     * single-vector shape {@code {"embedding": [...]}} (what {@code /api/embeddings} answers) is taken for a single
     * input only.
     */
    Embeddings decode(JsonNode root, int expected) {
        List<float[]> vectors = new ArrayList<>(expected);
        JsonNode list = root.get("embeddings");
        JsonNode single = root.get("embedding");
        if (list != null && list.isArray()) {
            for (JsonNode v : list) {
                vectors.add(vector(v));
            }
        } else if (single != null && single.isArray()) {
            vectors.add(vector(single));
        } else {
            throw client.errors().malformed("embeddings (no \"embeddings\" list)", Json.write(root));
        }
        if (vectors.size() != expected) {
            throw new LlmException(
                    ErrorKind.UPSTREAM,
                    "Ollama answered " + vectors.size() + " embeddings for " + expected + " inputs (model " + model
                            + ")",
                    200,
                    null,
                    null);
        }
        int size = knownDimension();
        for (float[] v : vectors) {
            if (v.length == 0) {
                throw new LlmException(
                        ErrorKind.UPSTREAM,
                        "Ollama answered an empty embedding (is " + model + " an embedding model?)",
                        200,
                        null,
                        null);
            }
            if (size == 0) {
                size = v.length;
            } else if (v.length != size) {
                throw new LlmException(
                        ErrorKind.UPSTREAM,
                        "model " + model + " answered " + v.length
                                + " dimensions, " + (configuredDimension > 0 ? "configured " : "earlier answers had ")
                                + size,
                        200,
                        null,
                        null);
            }
            normalize(v);
        }
        if (configuredDimension == 0 && learntDimension == 0) {
            learntDimension = size;
        }
        return new Embeddings(vectors, root.path("prompt_eval_count").asLong(0));
    }

    static float[] vector(JsonNode embedding) {
        if (!embedding.isArray()) {
            throw new LlmException(ErrorKind.UPSTREAM, "an embedding is not an array", 200, null, null);
        }
        return EmbeddingCalls.floats(embedding);
    }

    /** Scales {@code v} to unit length in place (a zero vector stays as it is). */
    static void normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0 || Math.abs(sum - 1.0) < 1e-6) {
            return;
        }
        float inv = (float) (1.0 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }

    @Override
    public String toString() {
        int size = knownDimension();
        return "OllamaEmbeddingModel[" + name + ", " + (size > 0 ? size + " dimensions" : "size not known yet") + "]";
    }
}
