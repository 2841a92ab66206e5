package dev.caracal.security;

/** A refused tenant or key operation, with what kind of refusal it is and the field at fault (when one is). */
public class SecurityAdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of refusal: surfaces answer 400, 404 and 409 for them. */
    public enum Kind {
        INVALID,
        NOT_FOUND,
        CONFLICT
    }

    private final Kind kind;
    private final String field;

    public SecurityAdminException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The request field at fault, or {@code null}. */
    public String field() {
        return field;
    }
}
