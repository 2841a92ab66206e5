package dev.caracal.vector.store.internal;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic embedding model for tests: a bag of hashed character trigrams, so texts sharing words are close.
 * Counts its calls so tests can check batching.
 */
final class TestEmbeddingModel implements EmbeddingModel {
    final String name;
    final int dimension;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger inputs = new AtomicInteger();

    TestEmbeddingModel(String name, int dimension) {
        this.name = name;
        this.dimension = dimension;
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
    public Embeddings embed(List<String> texts) {
        calls.incrementAndGet();
        inputs.addAndGet(texts.size());
        List<float[]> out = new ArrayList<>();
        for (String t : texts) {
            out.add(vectorOf(t, dimension));
        }
        return new Embeddings(out, texts.size() * 4L);
    }

    static float[] vectorOf(String text, int dimension) {
        float[] v = new float[dimension];
        byte[] b = (" " + text.toLowerCase() + " ").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 3 <= b.length; i++) {
            int h = (b[i] * 31 + b[i + 1]) * 31 + b[i + 2];
            v[Math.floorMod(h, dimension)] += 1;
        }
        v[0] += 0.01f; // never all zeros
        return v;
    }
}
