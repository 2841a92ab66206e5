package dev.caracal.rag.ingest;

/** An ingestion could not run at all; the message says why and what to do. */
public class IngestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IngestException(String message) {
        super(message);
    }

    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
