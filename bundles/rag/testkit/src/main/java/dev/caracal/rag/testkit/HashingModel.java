package dev.caracal.rag.testkit;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.LlmProperties;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test embedding model: deterministic vectors from character trigram hashes (plus a constant first component, so
 * that no text embeds to zero). Enough to store and search text in tests, without a real model.
 */
public final class HashingModel implements EmbeddingModel {
    private final String name;
    private final int dimension;

    public HashingModel(String name, int dimension) {
        this.name = name;
        this.dimension = dimension;
    }

    /** Binds this model into {@code store} under its name, as the service registry would. */
    public HashingModel bindTo(VectorStoreComponent store) {
        store.bindEmbeddingModel(this, Map.of(LlmProperties.EMBEDDING_MODEL, name));
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public boolean normalized() {
        return false;
    }

    @Override
    public int maxInputTokens() {
        return 512;
    }

    @Override
    public Embeddings embed(List<String> inputs) {
        List<float[]> out = new ArrayList<>();
        for (String s : inputs) {
            float[] v = new float[dimension];
            v[0] = 1;
            for (int i = 0; i + 3 <= s.length(); i++) {
                v[Math.floorMod(s.substring(i, i + 3).hashCode(), dimension)] += 1;
            }
            out.add(v);
        }
        return new Embeddings(out, inputs.size());
    }
}
