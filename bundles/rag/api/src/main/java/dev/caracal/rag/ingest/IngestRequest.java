package dev.caracal.rag.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to ingest into which collection of which tenant: either a local file or folder ({@code path}; a folder is
 * walked recursively, files and folders whose names start with {@code .} are left out, and documents are named by
 * their path relative to the folder, or by the file name), or documents sent by a caller ({@code documents}, named by
 * the caller).
 *
 * <p>The tenant is the one whose collection is written (and created on first write): a surface takes it from the
 * request's principal, the console from its {@code --tenant} option, never from a document. The ingestion service
 * refuses a name that is not a valid tenant name (1 to 63 of a-z, 0-9, '-', '_', starting with a letter or digit).
 *
 * @param tenant     the tenant that owns the collection ({@code default} for everything from before tenants)
 * @param collection the collection, within the tenant
 * @since 2.0
 */
public record IngestRequest(
        String tenant, String collection, Path path, List<Document> documents, IngestOptions options) {
    /** The tenant of everything created before tenants, and of the console by default. */
    public static final String DEFAULT_TENANT = "default";

    public IngestRequest {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidIngestRequestException(
                    "tenant", "name the tenant whose collection is written (" + DEFAULT_TENANT + " by default)");
        }
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

    /** Ingest a local file, or every file under a folder, into collection {@code collection} of {@code tenant}. */
    public static IngestRequest path(String tenant, String collection, Path fileOrFolder, IngestOptions options) {
        return new IngestRequest(
                tenant, collection, Objects.requireNonNull(fileOrFolder, "fileOrFolder"), null, options);
    }

    /** Ingest documents a caller sends into collection {@code collection} of {@code tenant}. */
    public static IngestRequest documents(
            String tenant, String collection, List<Document> documents, IngestOptions options) {
        return new IngestRequest(tenant, collection, null, documents, options);
    }
}
