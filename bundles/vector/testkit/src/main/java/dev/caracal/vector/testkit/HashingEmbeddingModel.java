package dev.caracal.vector.testkit;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic embedding model for tests: a bag of hashed character trigrams, so texts sharing words are close.
 * Its name and dimension are the test's choice. Counts its calls and the texts it embedded, so tests can check
 * batching.
 */
public final class HashingEmbeddingModel implements EmbeddingModel {
    private final String name;
    private final int dimension;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger inputs = new AtomicInteger();

    public HashingEmbeddingModel(String name, int dimension) {
        this.name = name;
        this.dimension = dimension;
    }

    /** How many times {@link #embed} was called. */
    public int calls() {
        return calls.get();
    }

    /** How many texts {@link #embed} was given in all. */
    public int inputs() {
        return inputs.get();
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

    /** The vector this model gives {@code text}. */
    public static float[] vectorOf(String text, int dimension) {
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
