package dev.caracal.vector.store.internal;

import dev.caracal.vector.VectorException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writers' side of a collection's {@link GroupCommitter}, under its write lock: what was written and not published
 * yet. It hands out fresh ordinals (a replaced record gets a new one, never reused), resolves ids for writers (writes
 * queued ahead first, then the readers' map), turns an upsert or a delete into a {@link Batch} with the next sequence
 * number and queues it; the commit leader {@link #drain drains} the queue one commit group at a time and
 * {@link #forgetPublished forgets} what it published.
 *
 * <h2>Replaced versions</h2>
 * The removal of a replaced ordinal from the records map is deferred to the commit group after the one that replaced
 * it (see {@link GroupCommitter} for why). Until then the old version is still stored: it is kept here as stale, by
 * id, so that a delete of the id purges it in the same commit and leaves nothing behind. Draining a group stops
 * counting as stale the versions that group removes. After a storage failure {@link #resetToAcknowledged} drops every
 * batch queued and puts the writers' view back to what was acknowledged: the stale versions are then those of the last
 * acknowledged group.
 *
 * <p>Every method takes the write lock itself (it is reentrant). The committer holds it too, through {@link #lock},
 * around work no writer may interleave with: writing an upsert's vectors into the ordinals it takes, reopening the files
 * after a failure, a recovery.
 */
final class WriteQueue {
    /** A commit group: the batches drained, and the sequence number of the last batch written before the drain. */
    record Drained(List<Batch> batches, long upTo) {}

    private final String name;
    /** id -> ordinal of every published record (the readers' map; only read here). */
    private final Map<String, Integer> published;

    /** id -> ordinal (or -1 when deleted) queued but not published yet; consulted first when resolving ids. */
    private final ConcurrentHashMap<String, Integer> pending = new ConcurrentHashMap<>();

    // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Batch> queued = new ArrayDeque<>();
    /** Replaced ordinals still in the records map (their removal is deferred), by id. */
    private final Map<String, List<Integer>> stale = new HashMap<>();

    private int nextOrdinal;
    private long writtenSeq;
    private volatile boolean closing;

    /**
     * @param nextOrdinal the first ordinal not used yet (one past the highest stored)
     * @param published   the readers' id map
     */
    WriteQueue(String name, int nextOrdinal, Map<String, Integer> published) {
        this.name = name;
        this.nextOrdinal = nextOrdinal;
        this.published = published;
    }

    /** Takes the write lock (for work that must not interleave with writers); {@link #unlock} gives it back. */
    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Whether the queue stopped taking batches (the collection is closing or closed). */
    boolean isClosing() {
        return closing;
    }

    /**
     * Stops taking batches; returns the sequence number of the last one taken, or nothing when it had stopped
     * already.
     */
    OptionalLong close() {
        lock.lock();
        try {
            if (closing) {
                return OptionalLong.empty();
            }
            closing = true; // no new batches from now on
            return OptionalLong.of(writtenSeq);
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number of the last batch queued. */
    long writtenSeq() {
        lock.lock();
        try {
            return writtenSeq;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first of {@code n} fresh ordinals, for writing their vectors; {@link #queueUpsert} takes them. Throws when
     * the collection has used all its ordinals.
     */
    int firstFreeOrdinal(int n) {
        lock.lock();
        try {
            if ((long) nextOrdinal + n > Integer.MAX_VALUE - 1) {
                throw new VectorException("collection '" + name + "' has used all its ordinals; copy its records "
                        + "into a new collection");
            }
            return nextOrdinal;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues an upsert whose vectors are written in the slots from {@code first} on (the ordinals it takes): each
     * record gets the next of them, replacing the id's current version if it has one. Returns the batch; its
     * {@code replacedCount} is how many records were updated.
     */
    Batch queueUpsert(int first, List<PreparedRecord> prepared) {
        int n = prepared.size();
        Batch batch = new Batch(n, 0);
        lock.lock();
        try {
            nextOrdinal = first + n;
            for (int i = 0; i < n; i++) {
                PreparedRecord p = prepared.get(i);
                Integer old = resolve(p.id());
                int ordinal = first + i;
                if (old != null) {
                    batch.replace(old, p.id());
                    markStale(p.id(), old);
                }
                pending.put(p.id(), ordinal);
                batch.add(ordinal, p.id(), p.vector(), p.metadata(), p.payload());
            }
            batch.seq = ++writtenSeq;
            queued.add(batch);
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a delete of the ids that exist, with every stored version of each. Returns the batch; when none existed
     * ({@code removeCount} 0) it is not queued and has no sequence number.
     */
    Batch queueDelete(Collection<String> idsToDelete) {
        Batch batch = new Batch(0, idsToDelete.size());
        lock.lock();
        try {
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
                return batch;
            }
            batch.seq = ++writtenSeq;
            queued.add(batch);
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** The ordinal an id has for writers: queued (unpublished) writes first, then the published map. */
    private Integer resolve(String id) {
        Integer p = pending.get(id);
        if (p != null) {
            return p < 0 ? null : p;
        }
        return published.get(id);
    }

    private void markStale(String id, int ordinal) {
        stale.computeIfAbsent(id, k -> new ArrayList<>(1)).add(ordinal);
    }

    /**
     * Takes every queued batch, as the next commit group, which also removes the replaced versions of
     * {@code deferred} (the last durable group). Commit leader only.
     */
    Drained drain(List<Batch> deferred) {
        lock.lock();
        try {
            long target = writtenSeq;
            List<Batch> batches = new ArrayList<>(queued);
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
            return new Drained(batches, target);
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a failed commit: drops every queued batch (unacknowledged) and puts the writers' view back to what was
     * acknowledged, {@code lastGroup} being the last acknowledged group and {@code committedMax} one past its highest
     * ordinal. Commit leader only.
     */
    void resetToAcknowledged(List<Batch> lastGroup, int committedMax) {
        lock.lock();
        try {
            queued.clear();
            pending.clear();
            // replaced versions still stored are those of the last acknowledged group (removed by the next commit)
            stale.clear();
            for (Batch b : lastGroup) {
                for (int i = 0; i < b.replacedCount; i++) {
                    markStale(b.replacedIds[i], b.replacedOrdinals[i]);
                }
            }
            nextOrdinal = committedMax;
        } finally {
            lock.unlock();
        }
    }

    /** Published writes are no longer pending: the readers' id map now says the same (unless a later write queued). */
    void forgetPublished(List<Batch> batches) {
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
}
