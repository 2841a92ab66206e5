package dev.caracal.vector;

/** Base of the vector store's failures; each subclass maps to one HTTP status and console message. */
public class VectorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VectorException(String message) {
        super(message);
    }

    public VectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
