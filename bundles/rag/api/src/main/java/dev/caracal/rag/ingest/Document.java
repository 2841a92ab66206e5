package dev.caracal.rag.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A document to ingest that need not be a local file. {@code name} identifies it in the collection (its records are
 * {@code <name>#<chunk>}, its {@code source} metadata is the name); {@code mediaType} is its type, with parameters such
 * as {@code charset} if any, or {@code null} to take it from the name's extension; {@code size} is its length in
 * bytes, or -1 when unknown; {@code content} opens its bytes when the document is ingested.
 */
public record Document(String name, String mediaType, long size, Content content) {

    /** Opens the document's bytes; ingestion closes the stream. May be called once per ingestion of the document. */
    @ConsumerType
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    public Document {
        Objects.requireNonNull(content, "content");
        if (size < -1) {
            throw new IllegalArgumentException("size must be -1 (unknown) or a length in bytes, got " + size);
        }
    }

    /** A document held in memory; the array must not change while it is ingested. */
    public static Document of(String name, String mediaType, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new Document(name, mediaType, bytes.length, () -> new ByteArrayInputStream(bytes));
    }
}
