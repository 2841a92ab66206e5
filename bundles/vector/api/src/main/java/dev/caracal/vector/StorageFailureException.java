package dev.caracal.vector;

/**
 * A write could not be stored: the disk holding the vector data is full, read-only (or not writable by the server),
 * or failed. Nothing of the refused write was stored, and everything acknowledged before it is kept. The store keeps
 * serving reads and retries by itself: once the disk takes writes again, writes succeed without a restart. A surface
 * answers it as "retry later" (HTTP 507 when full, 503 otherwise), never as a bad request.
 */
public class StorageFailureException extends VectorException {
    private static final long serialVersionUID = 1L;

    /** Why the disk did not take the write. */
    public enum Reason {
        /** No space left on the device (or the quota is used up). */
        FULL,
        /** The file system is read-only, or the server may not write to the data directory. */
        READ_ONLY,
        /** Any other failure to write or sync. */
        IO
    }

    private final Reason reason;
    private final String collection;

    /**
     * @param reason     why the write failed
     * @param collection the collection that could not be written, or {@code null} when the data directory itself is
     *                   the problem (a create)
     * @param message    what happened, in plain words, with what to do about it
     */
    public StorageFailureException(Reason reason, String collection, String message) {
        super(message);
        this.reason = reason;
        this.collection = collection;
    }

    /** As {@link #StorageFailureException(Reason, String, String)}, keeping the file system's error for the log. */
    public StorageFailureException(Reason reason, String collection, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.collection = collection;
    }

    public Reason reason() {
        return reason;
    }

    /** The collection that could not be written, or {@code null}. */
    public String collection() {
        return collection;
    }
}
