package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndexFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.mvstore.Page;

/**
 * One durable collection, in its own directory: its files ({@link CollectionFiles}: the records and their vectors),
 * its writes ({@link GroupCommitter}: queued, made durable in groups, then published here), the in-memory
 * {@link VectorTable} that searches scan, metadata postings, and the index plugins serving it ({@link IndexSlot},
 * {@link TextSlot}).
 *
 * <h2>Reads</h2>
 * Readers never lock: they read the volatile {@link Snapshot}, published once per commit group, which carries the
 * records-map root page of that commit (MVStore pages are copy-on-write, so payloads are read as of that commit) and
 * the ordinal range, death epochs, vectors and metadata of the in-memory table. A batch is visible whole or not at all.
 */
final class StoredCollection {
    private static final int MAX_READ_RETRIES = 2000;
    /** Its name (unique within its tenant), its tenant, and how logs and health name it ({@link CollectionKey#label}). */
    final String name, tenant, label;
    /** Replaced (index part only) by {@link #replaceIndex}, together with {@link #index}, under the publish lock. */
    volatile CollectionSpec spec;

    final Instant createdAt;
    final Path directory;
    /** The index serving this collection; read it once per operation (it is swapped by {@link #replaceIndex}). */
    volatile IndexSlot index;
    /** Metadata postings: candidate lists for selective eq/in filters. */
    final MetadataPostings postings = new MetadataPostings();
    /** The keyword index (fed with every record's text when a text-index plugin is available). */
    final TextSlot text;
    /** Guards publication: the table, the id map's published side, the snapshot, and index mutations. */
    final ReentrantLock publishLock = new ReentrantLock();

    private final CollectionFiles files;
    private final GroupCommitter committer;
    private final Executor buildExecutor;
    private final VectorTable table;
    private volatile Snapshot snapshot;

    /** id -> ordinal of every published record. */
    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();

    // publish side, guarded by publishLock
    private long epoch;
    private int publishedMax;
    private long liveCount;

    /** Loads the collection's records from its files into memory. */
    private StoredCollection(
            String tenant, Path directory, CollectionFiles files, Executor buildExecutor, Executor syncExecutor)
            throws IOException {
        CollectionSpec stored = files.stored.spec();
        this.name = stored.name();
        this.tenant = tenant;
        this.label = CollectionKey.label(tenant, name);
        this.spec = stored;
        this.createdAt = files.stored.createdAt();
        this.directory = directory;
        this.files = files;
        this.buildExecutor = buildExecutor;
        this.table = new VectorTable(stored.dimension(), stored.metric() == Metric.COSINE);
        this.index = new IndexSlot(this, stored.index(), buildExecutor, false);
        this.text = new TextSlot(this, buildExecutor);
        CollectionFiles.Loaded loaded = files.load(table, postings, ids);
        this.publishedMax = loaded.maxOrdinal();
        this.liveCount = loaded.liveCount();
        this.epoch = VectorTable.NEVER;
        this.snapshot = table.snapshot(epoch, publishedMax, liveCount, loaded.recordsRoot());
        this.committer = new GroupCommitter(
                label, directory, files, loaded.maxOrdinal(), ids, syncExecutor, new GroupCommitter.Publisher() {
                    @Override
                    public void publish(List<Batch> batches, Page<Long, byte[]> recordsRoot) {
                        StoredCollection.this.publish(batches, recordsRoot);
                    }

                    @Override
                    public void reroot(Page<Long, byte[]> recordsRoot) {
                        StoredCollection.this.reroot(recordsRoot);
                    }
                });
        if (files.isReadOnly()) {
            committer.refuseWrites(new AccessDeniedException(
                    directory.toString(), null, "the collection's directory does not take writes"));
        }
    }

    /** Writes a new, empty collection into {@code directory} (which must be new), committed and synced. */
    static void initialize(FileLayer layer, Path directory, CollectionSpec spec, Instant createdAt) {
        CollectionFiles.initialize(layer, directory, spec, createdAt);
    }

    /**
     * Opens the directory of a collection of {@code tenant} and loads its vectors and metadata into memory. Unless {@code writable}, the files
     * are opened for reading only and writes are refused (as after a storage failure) until the directory takes them:
     * the next write or the store's probe {@link #tryRecover reopens} them for writing.
     */
    static StoredCollection open(
            FileLayer layer,
            String tenant,
            Path directory,
            int cacheSizeMb,
            Executor buildExecutor,
            Executor syncExecutor,
            boolean writable) {
        CollectionFiles files = CollectionFiles.open(layer, directory, cacheSizeMb, writable);
        try {
            return new StoredCollection(tenant, directory, files, buildExecutor, syncExecutor);
        } catch (IOException | RuntimeException e) {
            files.closeImmediately();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    static boolean looksLikeCollection(Path directory) {
        return CollectionFiles.looksLikeCollection(directory);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Replaces the collection's index: when {@code persist}, first writes the new spec durably into the meta map (as
     * the commit leader, so no group commit is half applied in the same MVStore commit); then, under the publish lock,
     * swaps in a new {@link IndexSlot} for {@code newIndex} (already marked BUILDING with {@code factory} when one is
     * given), so every commit group published afterwards reaches the new slot and none reaches the old one; then
     * closes the old slot's index and starts the new build in the background. Searches that picked the old slot
     * finish with it or fall back to the exact scan; new ones use the exact scan until the new index is READY.
     * Callers serialize replacements (the store's registry lock).
     */
    void replaceIndex(IndexSpec newIndex, VectorIndexFactory factory, boolean persist) {
        CollectionSpec current = spec;
        CollectionSpec next = new CollectionSpec(
                current.name(), current.dimension(), current.metric(), current.embeddingModel(), newIndex);
        if (persist) {
            committer.writeSpec(next, createdAt);
        }
        IndexSlot fresh = new IndexSlot(this, newIndex, buildExecutor, true);
        IndexSlot old;
        long gen = -1;
        publishLock.lock();
        try {
            if (factory != null) {
                gen = fresh.claim(factory);
            }
            old = index;
            spec = next;
            index = fresh;
        } finally {
            publishLock.unlock();
        }
        old.close(false);
        if (gen >= 0) {
            fresh.startBuild(gen, factory);
        }
    }

    long count() {
        return snapshot.liveCount;
    }

    /** The storage failure that makes the collection refuse writes now, or {@code null}. */
    Throwable failure() {
        return committer.failure();
    }

    /** After a storage failure, tries to take writes again; returns whether writes are accepted. Never throws. */
    boolean tryRecover() {
        return committer.tryRecover();
    }

    /** The published ordinal of an id (tests). */
    Integer ordinalOf(String id) {
        return ids.get(id);
    }

    /** Inserts or replaces records as one durable batch; returns {inserted, updated}. */
    int[] upsert(List<PreparedRecord> prepared) {
        return committer.upsert(prepared);
    }

    /** Deletes records by id as one durable batch; returns how many existed. */
    int delete(Collection<String> idsToDelete) {
        return committer.delete(idsToDelete);
    }

    /** Makes a durable commit group visible: table, postings, id map, a new snapshot, and the index slots. */
    private void publish(List<Batch> batches, Page<Long, byte[]> root) {
        publishLock.lock();
        try {
            long e = epoch + 1;
            int max = publishedMax;
            long live = liveCount;
            for (Batch b : batches) {
                for (int i = 0; i < b.addCount; i++) {
                    int o = b.addOrdinals[i];
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) b.addMetadata[i];
                    table.put(o, b.addVectors[i], m, RecordCodec.hasText(b.addPayloads[i]) ? null : b.addIds[i]);
                    postings.add(o, m);
                    ids.put(b.addIds[i], o);
                    max = Math.max(max, o + 1);
                    live++;
                }
                for (int i = 0; i < b.removeCount; i++) {
                    table.kill(b.removeOrdinals[i], e);
                    if (b.removeIds[i] != null) {
                        ids.remove(b.removeIds[i], b.removeOrdinals[i]);
                    }
                    live--;
                }
            }
            epoch = e;
            publishedMax = max;
            liveCount = live;
            snapshot = table.snapshot(e, max, live, root);
            index.onPublish(batches);
            text.onPublish(batches);
        } finally {
            publishLock.unlock();
        }
    }

    /** Readers read records from {@code root} from now on: the same records, from files reopened after a failure. */
    private void reroot(Page<Long, byte[]> root) {
        publishLock.lock();
        try {
            snapshot = table.snapshot(epoch, publishedMax, liveCount, root);
        } finally {
            publishLock.unlock();
        }
    }

    Optional<VectorRecord> get(String id) {
        for (int attempt = 0; ; attempt++) {
            Snapshot s = snapshot;
            Integer ordinal = ids.get(id);
            if (ordinal == null) {
                return Optional.empty();
            }
            byte[] payload = payload(s, ordinal);
            if (payload != null) {
                RecordCodec.Decoded d = RecordCodec.decode(payload, true, true, true);
                return Optional.of(new VectorRecord(d.id(), s.vector(ordinal), d.metadata(), d.text(), d.edges()));
            }
            if (committer.isClosing()) {
                throw new CollectionNotFoundException(name);
            }
            // the id map runs ahead of the snapshot while a commit group is being published: wait for it
            if (attempt > 100) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** The payload of {@code ordinal} as of snapshot {@code s}; {@code null} if absent there. */
    byte[] payload(Snapshot s, int ordinal) {
        Page<Long, byte[]> root = s.recordsRoot;
        for (int attempt = 0; ; attempt++) {
            try {
                return files.payload(root, ordinal);
            } catch (RuntimeException e) {
                if (committer.isClosing()) {
                    throw new CollectionNotFoundException(name);
                }
                // the files were reopened after a storage failure (the old store is closed): read the same records
                // from the new one, waiting for it if it is being opened right now
                Page<Long, byte[]> current = snapshot.recordsRoot;
                if (attempt < MAX_READ_RETRIES && (current != root || files.isReopening())) {
                    if (current == root) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    root = current;
                    continue;
                }
                throw new StorageFailureException(
                        StorageErrors.reason(e),
                        name,
                        "a record of collection '" + name + "' could not be read from disk (" + directory
                                + "); see the server log",
                        e);
            }
        }
    }

    /** Turns ranked ordinals into hits: id and text from the snapshot's payloads, metadata and vector from memory. */
    List<SearchHit> hits(Snapshot s, ScoredOrdinals ranked, boolean includeVectors) {
        List<SearchHit> hits = new ArrayList<>(ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            int o = ranked.ordinals()[i];
            String id = s.hitId(o);
            if (id != null) {
                // no text: the id is in memory, the payload (a read of the records map) is not needed
                hits.add(new SearchHit(
                        id, ranked.scores()[i], s.metadata(o), null, includeVectors ? s.vector(o) : null));
                continue;
            }
            byte[] payload = payload(s, o);
            if (payload == null) {
                continue; // cannot happen for an ordinal live in s
            }
            RecordCodec.Decoded d = RecordCodec.decode(payload, false, true, false);
            hits.add(new SearchHit(
                    d.id(), ranked.scores()[i], s.metadata(o), d.text(), includeVectors ? s.vector(o) : null));
        }
        return hits;
    }

    /**
     * Stops accepting writes, commits what was queued (and the deferred removals), closes the index and the files.
     * Searches still running finish on their snapshot or fail with {@link CollectionNotFoundException}.
     */
    void close() {
        if (!committer.close()) {
            return;
        }
        // nothing is published any more: persist the indexes so the next open resumes from them
        index.close(true);
        text.close(true);
        files.close(committer.failure() == null);
    }

    /**
     * Simulates a crash for tests: closes the files without committing or syncing anything more, exactly as if the
     * process had died now (MVStore's {@code closeImmediately}).
     */
    void abandon() {
        committer.abandon();
        index.close(false);
        text.close(false);
        files.closeImmediately();
    }
}
