package dev.caracal.gateway.openai.http.store;

/** A response that could not be stored: too large ({@link #tooLarge()}), or the storage failed. */
public final class ResponseStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean tooLarge;

    private ResponseStoreException(String message, boolean tooLarge, Throwable cause) {
        super(message, cause);
        this.tooLarge = tooLarge;
    }

    public static ResponseStoreException tooLarge(long size, long max) {
        return new ResponseStoreException(
                "the response and its input take " + size + " characters, more than the " + max
                        + " one stored response may take",
                true,
                null);
    }

    public static ResponseStoreException failed(String message, Throwable cause) {
        return new ResponseStoreException(message, false, cause);
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
