package dev.caracal.rag.ingest;

/** How far an ingestion is: documents done of the total, chunks stored so far, time since it started. */
public record IngestProgress(int done, int total, int chunks, long elapsedNanos) {

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    /** Chunks per second so far (0 before any time has passed). */
    public double chunksPerSecond() {
        return elapsedNanos <= 0 ? 0 : chunks / seconds();
    }
}
