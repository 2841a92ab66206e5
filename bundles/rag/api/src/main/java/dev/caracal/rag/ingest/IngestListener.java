package dev.caracal.rag.ingest;

import org.osgi.annotation.versioning.ConsumerType;

/** Follows an ingestion as it runs; called on the ingesting thread, so a listener should return quickly. */
@ConsumerType
public interface IngestListener {
    IngestListener NONE = new IngestListener() {};

    /** The documents are known (a folder has been listed); nothing is written yet. */
    default void started(int documents) {}

    /** One document is done, whatever its outcome; its chunks may still sit in the batch not yet written. */
    default void documentDone(DocumentResult document, IngestProgress progress) {}
}
