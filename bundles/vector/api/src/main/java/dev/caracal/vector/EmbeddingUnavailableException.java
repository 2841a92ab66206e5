package dev.caracal.vector;

/**
 * Text had to be embedded but the collection's embedding model is not available right now (its bundle is stopped
 * or not installed). Vector queries keep working; retry text once the model is back.
 */
public class EmbeddingUnavailableException extends VectorException {
    private static final long serialVersionUID = 1L;
    private final String model;

    public EmbeddingUnavailableException(String model) {
        super("embedding model '" + model + "' is not available; vector queries still work, text needs the model "
                + "(install or start its feature, e.g. feature:install caracal-llm-embeddings-onnx)");
        this.model = model;
    }

    public String model() {
        return model;
    }
}
