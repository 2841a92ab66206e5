package dev.caracal.rag;

/** A document could not be parsed; the message says which and why. */
public class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public ParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
