package dev.caracal.rag.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to ingest into which collection: either a local file or folder ({@code path}; a folder is walked recursively,
 * files and folders whose names start with {@code .} are left out, and documents are named by their path relative to
 * the folder, or by the file name), or documents sent by a caller ({@code documents}, named by the caller).
 */
public record IngestRequest(String collection, Path path, List<Document> documents, IngestOptions options) {

    public IngestRequest {
        if (collection == null || collection.isBlank()) {
            throw new InvalidIngestRequestException("collection", "name the collection to ingest into");
        }
        documents = documents == null ? List.of() : List.copyOf(documents);
        if ((path == null) == documents.isEmpty()) {
            throw new InvalidIngestRequestException(
                    path == null ? "documents" : "path", "give either a path or documents to ingest, not both");
        }
        options = Objects.requireNonNullElse(options, IngestOptions.DEFAULTS);
    }

    /** Ingest a local file, or every file under a folder. */
    public static IngestRequest path(String collection, Path fileOrFolder, IngestOptions options) {
        return new IngestRequest(collection, Objects.requireNonNull(fileOrFolder, "fileOrFolder"), null, options);
    }

    /** Ingest documents a caller sends. */
    public static IngestRequest documents(String collection, List<Document> documents, IngestOptions options) {
        return new IngestRequest(collection, null, documents, options);
    }
}
