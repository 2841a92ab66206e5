package dev.caracal.vector.store.internal;

import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.StorageFailureException.Reason;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;
import org.h2.mvstore.MVStoreException;

/**
 * Turns what the file system and H2 throw into {@link StorageFailureException}s whose message says, in plain words,
 * what is wrong with the disk and what to do; the original error stays the cause, for the log only.
 */
final class StorageErrors {
    /** Seconds between two attempts to write again; also what surfaces tell clients to wait. */
    static final int RETRY_SECONDS = 5;

    private StorageErrors() {}

    /** Whether {@code t} is a failure of the disk (an I/O error somewhere in its causes, or H2's). */
    static boolean isStorageFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof MVStoreException || c instanceof StorageFailureException) {
                return true;
            }
        }
        return false;
    }

    /** Why the disk refused: full, read-only (or not writable by us), or another I/O error. */
    static Reason reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StorageFailureException sfe) {
                return sfe.reason();
            }
            if (c instanceof AccessDeniedException) {
                return Reason.READ_ONLY;
            }
            String m =
                    c instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : c.getMessage();
            if (m == null) {
                continue;
            }
            String lower = m.toLowerCase(Locale.ROOT);
            if (lower.contains("no space left") || lower.contains("disk quota exceeded")) {
                return Reason.FULL;
            }
            if (lower.contains("read-only file system")
                    || lower.contains("permission denied")
                    || lower.contains("store is read-only")) {
                return Reason.READ_ONLY;
            }
        }
        return Reason.IO;
    }

    /** What is wrong with the disk, in a few words, for messages and the health check. */
    static String describe(Reason reason, Path dataDirectory) {
        return switch (reason) {
            case FULL -> "the disk holding the vector data (" + dataDirectory + ") is full";
            case READ_ONLY ->
                "the vector data directory " + dataDirectory
                        + " is not writable (read-only file system or no permission)";
            case IO -> "the disk holding the vector data (" + dataDirectory + ") failed to write";
        };
    }

    /** A refused write to {@code collection}: nothing of it was stored, and it may be retried once the disk is fixed. */
    static StorageFailureException writeRefused(String collection, Throwable cause, Path dataDirectory) {
        Reason reason = reason(cause);
        return new StorageFailureException(
                reason,
                collection,
                describe(reason, dataDirectory) + "; collection '" + collection + "' was not changed by this write. "
                        + remedy(reason) + ": writes resume by themselves (retried every " + RETRY_SECONDS
                        + " seconds), no restart needed",
                cause);
    }

    /** A refused create (or another change of the set of collections) because of the data directory. */
    static StorageFailureException directoryRefused(String what, Throwable cause, Path dataDirectory) {
        Reason reason = reason(cause);
        return new StorageFailureException(
                reason,
                null,
                describe(reason, dataDirectory) + "; " + what + " was refused and nothing was changed. "
                        + remedy(reason) + ", then retry",
                cause);
    }

    private static String remedy(Reason reason) {
        return switch (reason) {
            case FULL -> "Free space on that disk";
            case READ_ONLY -> "Make the directory writable for the server";
            case IO -> "Check the disk (see the server log)";
        };
    }
}
