package dev.caracal.vector.store.internal;

import dev.caracal.vector.StorageFailureException;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a collection's {@link GroupCommitter} survives a storage failure: whether writes are refused now and why, the
 * failure entered when a commit fails, and the way back to taking writes.
 *
 * <p>A commit (or a vector write) that fails refuses writes: the failed group and every batch queued behind it are
 * dropped, unacknowledged (their writers get a {@link StorageFailureException}); the files are reopened as they are on
 * disk with the dropped group taken back ({@link CollectionFiles#reopen}), so readers go on with exactly what was
 * acknowledged. The next write (or the store's periodic probe) {@link #tryRecover tries again}: once a probe file can be
 * written and synced in the collection's directory, the files are reopened, the taken-back state is committed, and
 * writes resume, with no restart. Files opened read-only at start refuse writes the same way until then.
 *
 * <p>Entering and leaving the failure happen as the commit leader ({@link CommitBaton}) and under the write lock
 * ({@link WriteQueue}), in that order.
 */
final class FailureRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(FailureRecovery.class);

    private final String name;
    private final CollectionFiles files;
    private final GroupCommitter.Publisher publisher;
    private final WriteQueue queue;
    private final CommitBaton baton;

    /** Why writes are refused now (a storage failure not recovered from yet), or {@code null}. */
    private volatile Throwable failure;

    FailureRecovery(
            String name,
            CollectionFiles files,
            GroupCommitter.Publisher publisher,
            WriteQueue queue,
            CommitBaton baton) {
        this.name = name;
        this.files = files;
        this.publisher = publisher;
        this.queue = queue;
        this.baton = baton;
    }

    /** Why writes are refused now, or {@code null} when they are taken. */
    Throwable failure() {
        return failure;
    }

    /** Refuses writes for {@code cause} until {@link #tryRecover} takes them again; nothing is dropped. */
    void refuseWrites(Throwable cause) {
        failure = cause;
    }

    /**
     * A commit failed (leader only, before giving up the leadership): drops the failed group and every queued batch
     * (unacknowledged), puts the writers' view back to what was acknowledged ({@code lastGroup} is the last
     * acknowledged commit group), and reopens the files for readers.
     */
    void enter(Throwable t, List<Batch> lastGroup) {
        queue.lock();
        try {
            failure = t;
            baton.markLost(queue.writtenSeq(), t);
            queue.resetToAcknowledged(lastGroup, files.committedMax());
            reopenForReads();
        } finally {
            queue.unlock();
        }
        LOG.error(
                "Collection '{}': a write failed on disk; it was not acknowledged and is dropped. Writes are refused "
                        + "until the disk takes them again (retried at the next write and every {} seconds); reads go on",
                name,
                StorageErrors.RETRY_SECONDS,
                t);
    }

    /** Reopens the files as acknowledged, for readers (H2 closes a store whose write failed). Leader, write lock. */
    private void reopenForReads() {
        try {
            publisher.reroot(files.reopen());
        } catch (IOException | RuntimeException e) {
            LOG.error("Collection '{}': reopening its files failed; records cannot be read until it recovers", name, e);
        }
    }

    /**
     * When writes are refused after a storage failure, tries to take writes again: probes the collection's directory
     * with a small synced file, reopens the files, and commits the acknowledged state. Returns whether writes are
     * accepted now. Called before every write and by the store's periodic probe; never throws.
     */
    boolean tryRecover() {
        if (failure == null) {
            return true;
        }
        if (!baton.acquireUnlessClosing(queue::isClosing)) {
            return false;
        }
        CommitBaton.Interrupts interrupts = new CommitBaton.Interrupts();
        try {
            queue.lock();
            try {
                if (failure == null || queue.isClosing()) {
                    return failure == null;
                }
                try {
                    interrupts.clear();
                    files.probeWritable();
                } catch (IOException | RuntimeException e) {
                    failure = e;
                    return false;
                }
                try {
                    publisher.reroot(files.reopen());
                    files.persistRepair();
                } catch (IOException | RuntimeException e) {
                    failure = e;
                    LOG.warn("Collection '{}': writes still fail ({}); retrying later", name, e.toString());
                    reopenForReads();
                    return false;
                }
                failure = null;
            } finally {
                queue.unlock();
            }
            LOG.info("Collection '{}': the disk takes writes again; writes resumed", name);
            return true;
        } finally {
            baton.release();
            interrupts.restore();
        }
    }
}
