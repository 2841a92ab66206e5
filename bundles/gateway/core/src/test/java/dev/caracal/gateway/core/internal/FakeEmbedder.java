package dev.caracal.gateway.core.internal;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.LlmException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedding model for tests: each vector is the input's length and the call count; it fails with
 * {@link #failure} while that is set.
 */
final class FakeEmbedder implements EmbeddingModel {
    final String name;
    final AtomicInteger calls = new AtomicInteger();
    volatile LlmException failure;

    FakeEmbedder(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public boolean normalized() {
        return false;
    }

    @Override
    public int maxInputTokens() {
        return 128;
    }

    @Override
    public Embeddings embed(List<String> inputs) {
        calls.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        return new Embeddings(
                inputs.stream().map(s -> new float[] {s.length(), calls.get()}).toList(), 1);
    }
}
