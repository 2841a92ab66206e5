package dev.caracal.rag.ingest;

/** A plugin every document needs (the chunker of the requested strategy) is not registered; the message says which feature provides it. */
public class IngestUnavailableException extends IngestException {
    private static final long serialVersionUID = 1L;

    public IngestUnavailableException(String message) {
        super(message);
    }
}
