package dev.caracal.vector;

/**
 * A keyword search cannot be answered now: no text-index plugin is installed, or the collection's text index is still
 * being built. Vector searches keep working, and hybrid searches answer with their vector part (reported degraded).
 */
public class TextIndexUnavailableException extends VectorException {
    private static final long serialVersionUID = 1L;

    public TextIndexUnavailableException(String message) {
        super(message);
    }
}
