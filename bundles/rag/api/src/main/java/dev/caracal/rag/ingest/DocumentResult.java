package dev.caracal.rag.ingest;

/**
 * What became of one document: its name and media type (when known), the outcome, the chunks written, how many of
 * them replaced records it had before, how many records it had that it no longer has (removed), and the reason when
 * it was not ingested.
 */
public record DocumentResult(
        String name, String mediaType, Outcome outcome, int chunks, int replaced, int removed, String reason) {

    public enum Outcome {
        /** Parsed, chunked and written (possibly zero chunks, for a document without text). */
        INGESTED,
        /** Skipped: its media type is unknown or no registered parser reads it. */
        UNSUPPORTED,
        /** Skipped: larger than ingestion reads. */
        TOO_LARGE,
        /** Failed: it could not be read or parsed. */
        FAILED
    }

    public boolean ingested() {
        return outcome == Outcome.INGESTED;
    }

    public boolean skipped() {
        return outcome == Outcome.UNSUPPORTED || outcome == Outcome.TOO_LARGE;
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }
}
