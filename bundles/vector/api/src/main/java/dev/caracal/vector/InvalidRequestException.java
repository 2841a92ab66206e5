package dev.caracal.vector;

/** The caller sent something invalid; {@link #field()} names it as a JSON pointer-like path ({@code records[3].vector}). */
public class InvalidRequestException extends VectorException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
