package dev.caracal.rag.ingest.internal;

import dev.caracal.rag.ingest.Document;
import dev.caracal.rag.ingest.InvalidIngestRequestException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of documents a caller sends: each names the document's records ({@code <name>#<chunk>}), so it must be
 * given, printable, at most {@value #MAX_CHARS} characters, and unique within a request.
 */
final class DocumentNames {
    /** Leaves room for {@code #<chunk>} within the store's default id limit of 512 characters. */
    static final int MAX_CHARS = 400;

    private DocumentNames() {}

    static void check(List<Document> documents) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < documents.size(); i++) {
            String field = "documents[" + i + "].name";
            String name = documents.get(i).name();
            if (name == null || name.isBlank()) {
                throw new InvalidIngestRequestException(field, "name the document: its records are <name>#<chunk>");
            }
            if (name.length() > MAX_CHARS) {
                throw new InvalidIngestRequestException(
                        field, "the document name is " + name.length() + " characters long; at most " + MAX_CHARS);
            }
            for (int c = 0; c < name.length(); c++) {
                if (Character.isISOControl(name.charAt(c))) {
                    throw new InvalidIngestRequestException(
                            field, "the document name contains a control character at position " + c);
                }
            }
            Integer earlier = seen.putIfAbsent(name, i);
            if (earlier != null) {
                throw new InvalidIngestRequestException(
                        field, "document '" + name + "' is also documents[" + earlier + "]; names must be unique");
            }
        }
    }
}
