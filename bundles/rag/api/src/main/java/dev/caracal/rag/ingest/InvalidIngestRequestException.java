package dev.caracal.rag.ingest;

/** The request is invalid; {@link #field()} names the part ({@code collection}, {@code path}, {@code documents[2].name}). */
public class InvalidIngestRequestException extends IngestException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidIngestRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
