package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.VectorException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import org.h2.mvstore.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of one collection, made durable in groups and then handed to readers. This class runs the writes and the
 * commits; the writers' side (ordinals, id resolution, the queue of batches, replaced versions still stored) is a
 * {@link WriteQueue} under the write lock; who commits, and how far writes are durable or lost, is a
 * {@link CommitBaton}; surviving a storage failure is a {@link FailureRecovery}. Lock order: the baton, then the write
 * lock, then the readers' publish lock.
 *
 * <h2>Writes and group commit</h2>
 * An upsert resolves its ids and takes fresh ordinals under the write lock (a replaced record gets a new ordinal),
 * writes its vectors to their slots, and queues the batch; a delete only queues. Then it waits until a commit that
 * contains it is durable. The first waiter becomes the leader and takes every queued batch: it fsyncs the vector file
 * and, in parallel, applies the batches to the MVStore maps, commits and syncs the MVStore ({@link CollectionFiles});
 * once both are done it publishes the batches to readers in order ({@link Publisher}) and wakes the waiters it
 * covered. Writers keep queueing meanwhile, so concurrent writers share the fsyncs. An acknowledged write is on disk.
 *
 * <h2>Why the two fsyncs may overlap</h2>
 * A crash can leave the last commit group's records durable in the MVStore while some of their vectors are not. Every
 * record carries the CRC32C of its vector and the meta map the first ordinal of the last group; on load, if any record
 * of the last group fails its checksum, the whole group is dropped (it was never acknowledged: acknowledgement waits
 * for both fsyncs, and leaders run one after the other, so only the last group can be affected). Dropping a group must
 * not lose an older, acknowledged version of a record it replaced: the removal of a replaced ordinal is therefore
 * deferred to the next commit group (until then both versions are in the store and loading keeps the newest valid
 * one), and a delete removes every stored version of the id at once.
 *
 * <h2>Failure and recovery</h2>
 * A commit (or a vector write) that fails refuses writes: the failed group and every batch queued behind it are
 * dropped, unacknowledged (their writers get a {@link StorageFailureException}), and readers go on with exactly what
 * was acknowledged; the next write (or the store's periodic probe) {@link #tryRecover tries again}. See
 * {@link FailureRecovery}.
 */
final class GroupCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** Makes a durable commit group visible to readers; called by the commit leader, one group at a time, in order. */
    interface Publisher {
        void publish(List<Batch> batches, Page<Long, byte[]> recordsRoot);

        /** Readers read records from {@code recordsRoot} from now on: the same records, from reopened files. */
        void reroot(Page<Long, byte[]> recordsRoot);
    }

    private final String name;
    private final Path directory;
    private final CollectionFiles files;
    private final Executor syncExecutor;
    private final Publisher publisher;
    private final WriteQueue queue;
    private final CommitBaton baton = new CommitBaton(this::unavailable);
    private final FailureRecovery recovery;

    // committer side, touched only by the commit leader (one at a time)
    /** Replaced ordinals of the last durable group, removed from the records map by the next one. */
    private List<Batch> deferredFrom = List.of();

    /**
     * @param nextOrdinal the first ordinal not used yet (one past the highest stored)
     * @param published   the readers' id map, which {@code publisher} updates
     */
    GroupCommitter(
            String name,
            Path directory,
            CollectionFiles files,
            int nextOrdinal,
            Map<String, Integer> published,
            Executor syncExecutor,
            Publisher publisher) {
        this.name = name;
        this.directory = directory;
        this.files = files;
        this.queue = new WriteQueue(name, nextOrdinal, published);
        this.syncExecutor = syncExecutor;
        this.publisher = publisher;
        this.recovery = new FailureRecovery(name, files, publisher, queue, baton);
    }

    Throwable failure() {
        return recovery.failure();
    }

    /**
     * Refuses writes from the start, for {@code cause} (files opened read-only): nothing was lost, and the next write
     * or probe {@link #tryRecover} tries to take writes as after any storage failure.
     */
    void refuseWrites(Throwable cause) {
        recovery.refuseWrites(cause);
    }

    /** Whether the collection stopped accepting writes (it is closing or closed). */
    boolean isClosing() {
        return queue.isClosing();
    }

    /** Inserts or replaces records as one durable batch; returns {inserted, updated}. */
    int[] upsert(List<PreparedRecord> prepared) {
        tryRecover();
        int n = prepared.size();
        Batch batch;
        CommitBaton.Interrupts interrupts = new CommitBaton.Interrupts();
        queue.lock();
        try {
            checkWritable();
            int first = queue.firstFreeOrdinal(n);
            float[][] vectors = new float[n][];
            for (int i = 0; i < n; i++) {
                vectors[i] = prepared.get(i).vector();
            }
            try {
                interrupts.clear();
                files.writeVectors(first, vectors, n);
            } catch (IOException e) {
                // nothing refers to these slots: the collection stays consistent, the batch is refused
                recovery.refuseWrites(e);
                LOG.error(
                        "Collection '{}': writing vectors failed; writes are refused until the disk takes them",
                        name,
                        e);
                throw unavailable(e);
            }
            batch = queue.queueUpsert(first, prepared);
        } finally {
            queue.unlock();
            interrupts.restore();
        }
        awaitDurable(batch.seq);
        return new int[] {n - batch.replacedCount, batch.replacedCount};
    }

    /** Deletes records by id as one durable batch; returns how many existed. */
    int delete(Collection<String> idsToDelete) {
        tryRecover();
        Batch batch;
        queue.lock();
        try {
            checkWritable();
            batch = queue.queueDelete(idsToDelete);
        } finally {
            queue.unlock();
        }
        if (batch.removeCount == 0) {
            return 0;
        }
        awaitDurable(batch.seq);
        return batch.removeCount;
    }

    private void checkWritable() {
        if (queue.isClosing()) {
            throw new CollectionNotFoundException(name);
        }
        Throwable f = recovery.failure();
        if (f != null) {
            throw unavailable(f);
        }
    }

    private VectorException unavailable(Throwable t) {
        if (queue.isClosing()) {
            return new CollectionNotFoundException(name);
        }
        return StorageErrors.writeRefused(name, t, directory);
    }

    /**
     * When writes are refused after a storage failure, tries to take writes again; returns whether writes are accepted
     * now. Called before every write and by the store's periodic probe; never throws.
     */
    boolean tryRecover() {
        return recovery.tryRecover();
    }

    /** Writes a new spec into the meta map, committed and synced, as the commit leader. */
    void writeSpec(CollectionSpec next, Instant createdAt) {
        tryRecover();
        queue.lock();
        try {
            checkWritable();
        } finally {
            queue.unlock();
        }
        CommitBaton.Interrupts interrupts = new CommitBaton.Interrupts();
        baton.acquireUnlessFailed(recovery::failure, interrupts);
        try {
            interrupts.clear();
            files.writeSpec(next, createdAt);
        } catch (RuntimeException e) {
            recovery.enter(e, deferredFrom);
            throw unavailable(e);
        } finally {
            baton.release();
            interrupts.restore();
        }
    }

    /** Returns once batch {@code seq} is durable and published, leading the commit if nobody is. */
    private void awaitDurable(long seq) {
        CommitBaton.Interrupts interrupts = new CommitBaton.Interrupts();
        try {
            while (baton.leadUnlessDurable(seq, interrupts)) {
                long reached;
                try {
                    interrupts.clear();
                    reached = commitGroup(interrupts);
                } catch (Throwable t) {
                    recovery.enter(t, deferredFrom);
                    baton.release();
                    throw unavailable(t);
                }
                baton.releaseDurable(reached);
            }
        } finally {
            interrupts.restore();
        }
    }

    /** Makes every queued batch durable and visible; returns the sequence now durable. Leader only. */
    private long commitGroup(CommitBaton.Interrupts interrupts) throws IOException, ExecutionException {
        List<Batch> deferred = deferredFrom;
        WriteQueue.Drained group = queue.drain(deferred);
        List<Batch> batches = group.batches();
        if (batches.isEmpty() && deferred.isEmpty()) {
            return group.upTo();
        }
        boolean hasVectors = false;
        for (Batch b : batches) {
            hasVectors |= b.addCount > 0;
        }
        // the vector file is synced while the records are committed; see the class comment for why that is safe
        FutureTask<Void> vectorSync = null;
        if (hasVectors) {
            vectorSync = new FutureTask<>(() -> {
                files.syncVectors();
                return null;
            });
            syncExecutor.execute(vectorSync);
        }
        try {
            Page<Long, byte[]> root = files.commit(deferred, batches);
            if (vectorSync != null) {
                awaitSync(vectorSync, interrupts);
                vectorSync = null;
            }
            files.acknowledge();
            deferredFrom = batches;
            publisher.publish(batches, root);
            queue.forgetPublished(batches);
            return group.upTo();
        } finally {
            if (vectorSync != null) {
                awaitSync(vectorSync, interrupts); // never leave a sync running behind a failure
            }
        }
    }

    /** Waits for the vector file's sync; an interrupt does not end the wait (the commit must finish or fail). */
    private static void awaitSync(FutureTask<Void> sync, CommitBaton.Interrupts interrupts) throws ExecutionException {
        while (true) {
            try {
                sync.get();
                return;
            } catch (InterruptedException e) {
                interrupts.note();
            }
        }
    }

    /**
     * Stops accepting writes, commits what was queued (and the deferred removals), and keeps the commit leadership for
     * good: nothing is committed or published after it returns. Returns {@code false} when already closed.
     */
    boolean close() {
        OptionalLong target = queue.close();
        if (target.isEmpty()) {
            return false;
        }
        try {
            // batches already queued are committed and acknowledged (or refused, if it fails)
            awaitDurable(target.getAsLong());
            if (recovery.failure() == null) {
                forceDeferredRemoval();
            }
        } catch (RuntimeException e) {
            LOG.warn("Collection '{}': final commit failed", name, e);
        }
        baton.keepForGood();
        return true;
    }

    /** Removes the deferred replaced versions in one more commit (a clean shutdown leaves no stale versions). */
    private void forceDeferredRemoval() {
        if (deferredFrom.isEmpty() || !baton.acquireUnlessInterrupted()) {
            return;
        }
        CommitBaton.Interrupts interrupts = new CommitBaton.Interrupts();
        try {
            interrupts.clear();
            commitGroup(interrupts);
        } catch (Exception e) {
            LOG.warn("Collection '{}': removing replaced versions failed; they are removed at the next load", name, e);
        } finally {
            baton.release();
            interrupts.restore();
        }
    }

    /** Stops accepting writes at once, committing nothing more (a simulated crash, for tests). */
    void abandon() {
        queue.close();
    }
}
