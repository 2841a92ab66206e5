package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.VectorException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.mvstore.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of one collection, made durable in groups and then handed to readers.
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
 * dropped, unacknowledged (their writers get a {@link StorageFailureException}); the files are reopened as they are on
 * disk with the dropped group taken back ({@link CollectionFiles#reopen}), so readers go on with exactly what was
 * acknowledged. The next write (or the store's periodic probe) {@link #tryRecover tries again}: once a probe file can be
 * written and synced in the collection's directory, the files are reopened, the taken-back state is committed, and
 * writes resume, with no restart.
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
    /** id -> ordinal of every published record (the readers' map; only read here). */
    private final Map<String, Integer> published;

    private final Publisher publisher;
    /** id -> ordinal (or -1 when deleted) queued but not published yet; consulted first when resolving ids. */
    private final ConcurrentHashMap<String, Integer> pending = new ConcurrentHashMap<>();

    // write side, guarded by writeLock
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ArrayDeque<Batch> queued = new ArrayDeque<>();
    /** Replaced ordinals still in the records map (their removal is deferred), by id. */
    private final Map<String, List<Integer>> stale = new HashMap<>();

    private int nextOrdinal;
    private long writtenSeq;
    private boolean closing;

    // group commit, guarded by commitMonitor
    private final Object commitMonitor = new Object();
    private boolean committing;
    private long durableSeq;
    /** Why writes are refused now (a storage failure not recovered from yet), or {@code null}. */
    private volatile Throwable failure;
    /** Batches up to this sequence not durable yet were dropped by a failure (never acknowledged), with its cause. */
    private volatile long lostUpTo;

    private volatile Throwable lostCause;

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
        this.nextOrdinal = nextOrdinal;
        this.published = published;
        this.syncExecutor = syncExecutor;
        this.publisher = publisher;
    }

    Throwable failure() {
        return failure;
    }

    /**
     * Refuses writes from the start, for {@code cause} (files opened read-only): nothing was lost, and the next write
     * or probe {@link #tryRecover} tries to take writes as after any storage failure.
     */
    void refuseWrites(Throwable cause) {
        failure = cause;
    }

    /** Whether the collection stopped accepting writes (it is closing or closed). */
    boolean isClosing() {
        return closing;
    }

    /** Inserts or replaces records as one durable batch; returns {inserted, updated}. */
    int[] upsert(List<PreparedRecord> prepared) {
        tryRecover();
        int n = prepared.size();
        Batch batch = new Batch(n, 0);
        int inserted = 0;
        int updated = 0;
        writeLock.lock();
        try {
            checkWritable();
            if ((long) nextOrdinal + n > Integer.MAX_VALUE - 1) {
                throw new VectorException("collection '" + name + "' has used all its ordinals; copy its records "
                        + "into a new collection");
            }
            int first = nextOrdinal;
            float[][] vectors = new float[n][];
            for (int i = 0; i < n; i++) {
                vectors[i] = prepared.get(i).vector();
            }
            try {
                files.writeVectors(first, vectors, n);
            } catch (IOException e) {
                // nothing refers to these slots: the collection stays consistent, the batch is refused
                failure = e;
                LOG.error(
                        "Collection '{}': writing vectors failed; writes are refused until the disk takes them",
                        name,
                        e);
                throw unavailable(e);
            }
            nextOrdinal = first + n;
            for (int i = 0; i < n; i++) {
                PreparedRecord p = prepared.get(i);
                Integer old = resolve(p.id());
                int ordinal = first + i;
                if (old != null) {
                    batch.replace(old, p.id());
                    stale.computeIfAbsent(p.id(), k -> new ArrayList<>(1)).add(old);
                    updated++;
                } else {
                    inserted++;
                }
                pending.put(p.id(), ordinal);
                batch.add(ordinal, p.id(), p.vector(), p.metadata(), p.payload());
            }
            batch.seq = ++writtenSeq;
            queued.add(batch);
        } finally {
            writeLock.unlock();
        }
        awaitDurable(batch.seq);
        return new int[] {inserted, updated};
    }

    /** Deletes records by id as one durable batch; returns how many existed. */
    int delete(Collection<String> idsToDelete) {
        tryRecover();
        Batch batch = new Batch(0, idsToDelete.size());
        writeLock.lock();
        try {
            checkWritable();
            for (String id : idsToDelete) {
                Integer old = resolve(id);
                if (old == null) {
                    continue;
                }
                pending.put(id, -1);
                batch.delete(old, id);
                List<Integer> older = stale.remove(id);
                if (older != null) {
                    // versions replaced but still stored go in the same commit: the delete leaves nothing behind
                    for (int o : older) {
                        batch.purge(o);
                    }
                }
            }
            if (batch.removeCount == 0) {
                return 0;
            }
            batch.seq = ++writtenSeq;
            queued.add(batch);
        } finally {
            writeLock.unlock();
        }
        awaitDurable(batch.seq);
        return batch.removeCount;
    }

    /** The ordinal an id has for writers: queued (unpublished) writes first, then the published map. */
    private Integer resolve(String id) {
        Integer p = pending.get(id);
        if (p != null) {
            return p < 0 ? null : p;
        }
        return published.get(id);
    }

    private void checkWritable() {
        if (closing) {
            throw new CollectionNotFoundException(name);
        }
        Throwable f = failure;
        if (f != null) {
            throw unavailable(f);
        }
    }

    private VectorException unavailable(Throwable t) {
        if (closing) {
            return new CollectionNotFoundException(name);
        }
        return StorageErrors.writeRefused(name, t, directory);
    }

    /**
     * A commit failed (leader only, before giving up the leadership): drops the failed group and every queued batch
     * (unacknowledged), puts the writers' view back to what was acknowledged, and reopens the files for readers.
     */
    private void enterFailure(Throwable t) {
        writeLock.lock();
        try {
            failure = t;
            lostCause = t;
            lostUpTo = writtenSeq;
            queued.clear();
            pending.clear();
            // replaced versions still stored are those of the last acknowledged group (removed by the next commit)
            stale.clear();
            for (Batch b : deferredFrom) {
                for (int i = 0; i < b.replacedCount; i++) {
                    stale.computeIfAbsent(b.replacedIds[i], k -> new ArrayList<>(1))
                            .add(b.replacedOrdinals[i]);
                }
            }
            nextOrdinal = files.committedMax();
            reopenForReads();
        } finally {
            writeLock.unlock();
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
        if (!acquireLeadership()) {
            return false;
        }
        try {
            writeLock.lock();
            try {
                if (failure == null || closing) {
                    return failure == null;
                }
                try {
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
                writeLock.unlock();
            }
            LOG.info("Collection '{}': the disk takes writes again; writes resumed", name);
            return true;
        } finally {
            releaseLeadership();
        }
    }

    /** Waits to become the commit leader; {@code false} when the collection closed meanwhile. */
    private boolean acquireLeadership() {
        boolean interrupted = false;
        try {
            synchronized (commitMonitor) {
                while (committing) {
                    if (closing) {
                        return false;
                    }
                    try {
                        commitMonitor.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                committing = true;
                return true;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void releaseLeadership() {
        synchronized (commitMonitor) {
            committing = false;
            commitMonitor.notifyAll();
        }
    }

    /** Writes a new spec into the meta map, committed and synced, as the commit leader. */
    void writeSpec(CollectionSpec next, Instant createdAt) {
        tryRecover();
        writeLock.lock();
        try {
            checkWritable();
        } finally {
            writeLock.unlock();
        }
        boolean interrupted = false;
        synchronized (commitMonitor) {
            while (true) {
                Throwable f = failure;
                if (f != null) {
                    throw unavailable(f);
                }
                if (!committing) {
                    committing = true;
                    break;
                }
                try {
                    commitMonitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the change must be durable or refused: keep waiting
                }
            }
        }
        try {
            files.writeSpec(next, createdAt);
        } catch (RuntimeException e) {
            enterFailure(e);
            throw unavailable(e);
        } finally {
            synchronized (commitMonitor) {
                committing = false;
                commitMonitor.notifyAll();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Returns once batch {@code seq} is durable and published, leading the commit if nobody is. */
    private void awaitDurable(long seq) {
        boolean interrupted = false;
        try {
            while (true) {
                synchronized (commitMonitor) {
                    while (true) {
                        if (durableSeq >= seq) {
                            return;
                        }
                        if (seq <= lostUpTo) {
                            throw unavailable(lostCause);
                        }
                        if (!committing) {
                            committing = true;
                            break;
                        }
                        try {
                            commitMonitor.wait();
                        } catch (InterruptedException e) {
                            interrupted = true; // an acknowledged write must be durable: keep waiting
                        }
                    }
                }
                long reached;
                try {
                    reached = commitGroup();
                } catch (Throwable t) {
                    enterFailure(t);
                    releaseLeadership();
                    throw unavailable(t);
                }
                synchronized (commitMonitor) {
                    durableSeq = Math.max(durableSeq, reached);
                    committing = false;
                    commitMonitor.notifyAll();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Makes every queued batch durable and visible; returns the sequence now durable. Leader only. */
    private long commitGroup() throws IOException, InterruptedException, ExecutionException {
        List<Batch> batches;
        long target;
        List<Batch> deferred = deferredFrom;
        writeLock.lock();
        try {
            target = writtenSeq;
            batches = new ArrayList<>(queued);
            queued.clear();
            // the replaced versions removed by this commit stop being stale for deletes queued from now on
            for (Batch b : deferred) {
                for (int i = 0; i < b.replacedCount; i++) {
                    List<Integer> older = stale.get(b.replacedIds[i]);
                    if (older != null && older.remove((Integer) b.replacedOrdinals[i]) && older.isEmpty()) {
                        stale.remove(b.replacedIds[i]);
                    }
                }
            }
        } finally {
            writeLock.unlock();
        }
        if (batches.isEmpty() && deferred.isEmpty()) {
            return target;
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
                vectorSync.get();
                vectorSync = null;
            }
            files.acknowledge();
            deferredFrom = batches;
            publisher.publish(batches, root);
            forgetPublished(batches);
            return target;
        } finally {
            if (vectorSync != null) {
                vectorSync.get(); // never leave a sync running behind a failure
            }
        }
    }

    /** Published writes are no longer pending: the readers' id map now says the same (unless a later write queued). */
    private void forgetPublished(List<Batch> batches) {
        Integer deleted = -1;
        for (Batch b : batches) {
            for (int i = 0; i < b.addCount; i++) {
                pending.remove(b.addIds[i], b.addOrdinals[i]);
            }
            for (int i = 0; i < b.removeCount; i++) {
                if (b.removeIds[i] != null) {
                    pending.remove(b.removeIds[i], deleted);
                }
            }
        }
    }

    /**
     * Stops accepting writes, commits what was queued (and the deferred removals), and keeps the commit leadership for
     * good: nothing is committed or published after it returns. Returns {@code false} when already closed.
     */
    boolean close() {
        long target;
        writeLock.lock();
        try {
            if (closing) {
                return false;
            }
            closing = true; // no new batches from now on
            target = writtenSeq;
        } finally {
            writeLock.unlock();
        }
        try {
            awaitDurable(target); // batches already queued are committed and acknowledged (or refused, if it fails)
            if (failure == null) {
                forceDeferredRemoval();
            }
        } catch (RuntimeException e) {
            LOG.warn("Collection '{}': final commit failed", name, e);
        }
        synchronized (commitMonitor) {
            while (committing) {
                try {
                    commitMonitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            committing = true; // nobody commits after this point
        }
        return true;
    }

    /** Removes the deferred replaced versions in one more commit (a clean shutdown leaves no stale versions). */
    private void forceDeferredRemoval() {
        if (deferredFrom.isEmpty()) {
            return;
        }
        synchronized (commitMonitor) {
            while (committing) {
                try {
                    commitMonitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            committing = true;
        }
        try {
            commitGroup();
        } catch (Exception e) {
            LOG.warn("Collection '{}': removing replaced versions failed; they are removed at the next load", name, e);
        } finally {
            synchronized (commitMonitor) {
                committing = false;
                commitMonitor.notifyAll();
            }
        }
    }

    /** Stops accepting writes at once, committing nothing more (a simulated crash, for tests). */
    void abandon() {
        writeLock.lock();
        try {
            closing = true;
        } finally {
            writeLock.unlock();
        }
    }
}
