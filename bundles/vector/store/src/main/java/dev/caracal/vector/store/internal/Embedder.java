package dev.caracal.vector.store.internal;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.vector.EmbeddingUnavailableException;
import dev.caracal.vector.VectorException;
import java.util.List;

/**
 * Embeds text with a collection's embedding model, for records written without a vector and for text queries. A model
 * that is not bound is an {@link EmbeddingUnavailableException} (503); one that fails or answers with the wrong number
 * or size of vectors is a {@link VectorException} that says so.
 */
final class Embedder {
    private final PluginRegistry plugins;

    Embedder(PluginRegistry plugins) {
        this.plugins = plugins;
    }

    /**
     * Embeds texts with the collection's model in one call; the model must be present. {@code field} names what the
     * texts are (records, text) in an error about the vectors' size.
     */
    List<float[]> embed(StoredCollection c, List<String> texts, String field) {
        String modelName = c.spec.embeddingModel();
        EmbeddingModel model = plugins.model(modelName);
        if (model == null) {
            throw new EmbeddingUnavailableException(modelName);
        }
        Embeddings result;
        try {
            result = model.embed(texts);
        } catch (RuntimeException e) {
            throw new VectorException("embedding model '" + modelName + "' failed: " + e.getMessage(), e);
        }
        if (result == null || result.vectors().size() != texts.size()) {
            throw new VectorException("embedding model '" + modelName + "' returned "
                    + (result == null ? "nothing" : result.vectors().size() + " vectors") + " for " + texts.size()
                    + " texts");
        }
        for (float[] v : result.vectors()) {
            if (v == null || v.length != c.spec.dimension()) {
                throw new VectorException("embedding model '" + modelName + "' returned a vector of "
                        + (v == null ? "no" : v.length) + " dimensions; collection '" + c.name + "' has "
                        + c.spec.dimension() + " (" + field + ")");
            }
        }
        return result.vectors();
    }
}
