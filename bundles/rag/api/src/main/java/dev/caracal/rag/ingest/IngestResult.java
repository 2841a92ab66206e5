package dev.caracal.rag.ingest;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * What an ingestion did: the collection, whether it was created, every document's result in order, and how long it
 * took. The counts are sums over the documents.
 */
public record IngestResult(String collection, boolean created, List<DocumentResult> documents, long elapsedNanos) {

    public IngestResult {
        documents = List.copyOf(documents);
    }

    public int ingested() {
        return count(DocumentResult::ingested);
    }

    public int skipped() {
        return count(DocumentResult::skipped);
    }

    public int failed() {
        return count(DocumentResult::failed);
    }

    public int chunks() {
        return sum(DocumentResult::chunks);
    }

    public int replaced() {
        return sum(DocumentResult::replaced);
    }

    public int removed() {
        return sum(DocumentResult::removed);
    }

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    /** The documents that failed or were skipped, as {@code "<name>: <reason>"}. */
    public List<String> problems() {
        return documents.stream()
                .filter(d -> !d.ingested())
                .map(d -> d.name() + ": " + d.reason())
                .toList();
    }

    private int count(Predicate<DocumentResult> test) {
        return (int) documents.stream().filter(test).count();
    }

    private int sum(ToIntFunction<DocumentResult> value) {
        return documents.stream().mapToInt(value).sum();
    }
}
