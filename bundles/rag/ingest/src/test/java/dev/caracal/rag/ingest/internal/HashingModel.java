package dev.caracal.rag.ingest.internal;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import java.util.ArrayList;
import java.util.List;

/** Deterministic 16-d vectors from character trigram hashes: enough to store and search text in tests. */
final class HashingModel implements EmbeddingModel {
    public String name() {
        return "hashing";
    }

    public int dimension() {
        return 16;
    }

    public boolean normalized() {
        return false;
    }

    public int maxInputTokens() {
        return 512;
    }

    public Embeddings embed(List<String> inputs) {
        List<float[]> out = new ArrayList<>();
        for (String s : inputs) {
            float[] v = new float[16];
            v[0] = 1;
            for (int i = 0; i + 3 <= s.length(); i++) {
                v[Math.floorMod(s.substring(i, i + 3).hashCode(), 16)] += 1;
            }
            out.add(v);
        }
        return new Embeddings(out, inputs.size());
    }
}
