package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndexFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One durable collection, in its own directory: an MVStore file ({@code records.mv.db}) with a {@code meta} map (spec,
 * next ordinal, first ordinal of the last commit group) and a {@code records} map (ordinal -> {@link RecordCodec}
 * payload: id, vector checksum, metadata, text, edges); a {@link VectorFile} ({@code vectors.f32}, one fixed slot per
 * ordinal); and the in-memory {@link VectorTable} that searches scan.
 *
 * <h2>Writes and group commit</h2>
 * An upsert resolves its ids and takes fresh ordinals under the write lock (a replaced record gets a new ordinal),
 * writes its vectors to their slots, and queues the batch; a delete only queues. Then it waits until a commit that
 * contains it is durable. The first waiter becomes the leader and takes every queued batch: it fsyncs the vector file
 * and, in parallel, applies the batches to the MVStore maps, commits and syncs the MVStore; once both are done it
 * publishes the batches to readers in order and wakes the waiters it covered. Writers keep queueing meanwhile, so
 * concurrent writers share the fsyncs. An acknowledged write is on disk.
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
 * <h2>Reads</h2>
 * Readers never lock: they read the volatile {@link Snapshot}, published once per commit group, which carries the
 * records-map root page of that commit (MVStore pages are copy-on-write, so payloads are read as of that commit) and
 * the ordinal range, death epochs, vectors and metadata of the in-memory table. A batch is visible whole or not at all.
 */
final class StoredCollection {
    static final String STORE_FILE = "records.mv.db";
    private static final Logger LOG = LoggerFactory.getLogger(StoredCollection.class);
    private static final String SPEC_KEY = "spec";
    private static final String NEXT_ORDINAL_KEY = "nextOrdinal";
    private static final String LAST_GROUP_KEY = "lastGroupFrom";
    private static final int CLOSE_COMPACTION_MILLIS = 200;

    final String name;
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

    private final MVStore store;
    private final MVMap<Long, byte[]> records;
    private final MVMap<String, String> meta;
    private final VectorFile vectorFile;
    private final Executor syncExecutor;
    private final Executor buildExecutor;
    private final VectorTable table;
    private volatile Snapshot snapshot;

    /** id -> ordinal of every published record. */
    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
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
    private volatile Throwable failure;

    // committer side, touched only by the commit leader (one at a time)
    private int committedMax;
    /** Replaced ordinals of the last durable group, removed from the records map by the next one. */
    private List<Batch> deferredFrom = List.of();

    // publish side, guarded by publishLock
    private long epoch;
    private int publishedMax;
    private long liveCount;

    private StoredCollection(
            String name,
            CollectionSpec spec,
            Instant createdAt,
            Path directory,
            MVStore store,
            MVMap<String, String> meta,
            MVMap<Long, byte[]> records,
            VectorFile vectorFile,
            Executor buildExecutor,
            Executor syncExecutor) {
        this.name = name;
        this.spec = spec;
        this.createdAt = createdAt;
        this.directory = directory;
        this.store = store;
        this.meta = meta;
        this.records = records;
        this.vectorFile = vectorFile;
        this.syncExecutor = syncExecutor;
        this.buildExecutor = buildExecutor;
        this.table = new VectorTable(spec.dimension(), spec.metric() == Metric.COSINE);
        this.index = new IndexSlot(this, spec.index(), buildExecutor, false);
        this.text = new TextSlot(this, buildExecutor);
    }

    /** Writes a new, empty collection into {@code directory} (which must be new), committed and synced. */
    static void initialize(Path directory, CollectionSpec spec, Instant createdAt) {
        MVStore store = openStore(directory.resolve(STORE_FILE), 1);
        try {
            MVMap<String, String> meta = store.openMap("meta");
            openRecords(store);
            meta.put(SPEC_KEY, SpecCodec.write(spec, createdAt));
            meta.put(NEXT_ORDINAL_KEY, "0");
            store.commit();
            store.sync();
        } finally {
            store.close();
        }
        try {
            VectorFile vectors = new VectorFile(directory.resolve(VectorFile.NAME), spec.dimension());
            vectors.force();
            vectors.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FileUtil.syncDirectory(directory);
    }

    /** Opens a collection directory and loads its vectors and metadata into memory. */
    static StoredCollection open(Path directory, int cacheSizeMb, Executor buildExecutor, Executor syncExecutor) {
        MVStore store = openStore(directory.resolve(STORE_FILE), cacheSizeMb);
        VectorFile vectors = null;
        try {
            MVMap<String, String> meta = store.openMap("meta");
            String specJson = meta.get(SPEC_KEY);
            if (specJson == null) {
                throw new IllegalStateException("no collection spec in " + directory);
            }
            SpecCodec.Stored stored = SpecCodec.read(specJson);
            vectors = new VectorFile(
                    directory.resolve(VectorFile.NAME), stored.spec().dimension());
            StoredCollection c = new StoredCollection(
                    stored.spec().name(),
                    stored.spec(),
                    stored.createdAt(),
                    directory,
                    store,
                    meta,
                    openRecords(store),
                    vectors,
                    buildExecutor,
                    syncExecutor);
            c.load();
            return c;
        } catch (IOException | RuntimeException e) {
            store.closeImmediately();
            if (vectors != null) {
                try {
                    vectors.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    static boolean looksLikeCollection(Path directory) {
        return Files.isRegularFile(directory.resolve(STORE_FILE));
    }

    private static MVStore openStore(Path file, int cacheSizeMb) {
        return new MVStore.Builder()
                .fileName(file.toString())
                // commits happen only in the group committer; no background writer that could persist half a batch
                .autoCommitDisabled()
                // and no commit forced by unsaved memory in the middle of applying a group (1 GB)
                .autoCommitBufferSize(1 << 20)
                .cacheSize(cacheSizeMb)
                .open();
    }

    private static MVMap<Long, byte[]> openRecords(MVStore store) {
        return store.openMap(
                "records",
                new MVMap.Builder<Long, byte[]>().keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    private void load() throws IOException {
        int max = Integer.parseInt(meta.getOrDefault(NEXT_ORDINAL_KEY, "0"));
        int lastGroupFrom = Integer.parseInt(meta.getOrDefault(LAST_GROUP_KEY, Integer.toString(Integer.MAX_VALUE)));
        int n = Math.toIntExact(records.sizeAsLong());
        int[] ordinals = new int[n];
        String[] recordIds = new String[n];
        int[] checksums = new int[n];
        int i = 0;
        Cursor<Long, byte[]> cursor = records.cursor(null);
        while (cursor.hasNext()) {
            int ordinal = (int) (long) cursor.next();
            RecordCodec.Decoded d = RecordCodec.decode(cursor.getValue(), true, false, false);
            table.putLoaded(ordinal, d.metadata());
            postings.add(ordinal, d.metadata());
            ordinals[i] = ordinal;
            recordIds[i] = d.id();
            checksums[i] = d.vectorChecksum();
            max = Math.max(max, ordinal + 1);
            i++;
        }
        table.loadVectors(vectorFile, max);

        // vectors that did not reach the disk: the last group was not acknowledged, drop it whole
        boolean[] valid = new boolean[n];
        boolean lastGroupBroken = false;
        int corrupt = 0;
        for (int k = 0; k < n; k++) {
            valid[k] = table.checksum(ordinals[k]) == checksums[k];
            if (!valid[k]) {
                if (ordinals[k] >= lastGroupFrom) {
                    lastGroupBroken = true;
                } else {
                    corrupt++;
                }
            }
        }
        if (corrupt > 0) {
            LOG.error(
                    "Collection '{}': {} records have a vector that does not match its checksum (disk corruption?)"
                            + "; they are left out",
                    name,
                    corrupt);
        }
        List<Long> removals = new ArrayList<>();
        int dropped = 0;
        for (int k = 0; k < n; k++) {
            if (!valid[k] || (lastGroupBroken && ordinals[k] >= lastGroupFrom)) {
                valid[k] = false;
                table.kill(ordinals[k], VectorTable.NEVER);
                removals.add((long) ordinals[k]);
                dropped++;
            }
        }
        if (lastGroupBroken) {
            LOG.warn(
                    "Collection '{}': the last write before the crash was not complete on disk; its {} records "
                            + "(never acknowledged) are dropped",
                    name,
                    dropped - corrupt);
        }
        // the newest valid version of an id wins; older ones are replaced versions whose removal was deferred
        long live = 0;
        for (int k = 0; k < n; k++) {
            if (!valid[k]) {
                continue;
            }
            Integer previous = ids.put(recordIds[k], ordinals[k]);
            if (previous != null) {
                table.kill(previous, VectorTable.NEVER);
                removals.add((long) previous);
            } else {
                live++;
            }
        }
        table.finishLoad(max);
        if (!removals.isEmpty()) {
            for (Long o : removals) {
                records.remove(o);
            }
            meta.put(LAST_GROUP_KEY, Integer.toString(max));
            store.commit();
            store.sync();
        }
        nextOrdinal = max;
        committedMax = max;
        publishedMax = max;
        liveCount = live;
        epoch = VectorTable.NEVER;
        snapshot = table.snapshot(epoch, max, live, records.getRootPage());
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
            persistSpec(next);
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

    /** Writes {@code next} into the meta map, committed and synced, as the commit leader. */
    private void persistSpec(CollectionSpec next) {
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
            meta.put(SPEC_KEY, SpecCodec.write(next, createdAt));
            store.commit();
            store.sync();
        } catch (RuntimeException e) {
            throw storageFailed(e);
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

    long count() {
        return snapshot.liveCount;
    }

    Throwable failure() {
        return failure;
    }

    /** The published ordinal of an id (tests). */
    Integer ordinalOf(String id) {
        return ids.get(id);
    }

    /** A record ready to be written: validated, embedded, encoded. Ids within one upsert are unique. */
    record Prepared(String id, float[] vector, Map<String, Object> metadata, byte[] payload) {}

    /** Inserts or replaces records as one durable batch; returns {inserted, updated}. */
    int[] upsert(List<Prepared> prepared) {
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
                vectorFile.write(first, vectors, n);
            } catch (IOException e) {
                // nothing refers to these slots: the collection stays consistent, the batch is refused
                throw new VectorException("collection '" + name + "': writing vectors failed: " + e, e);
            }
            nextOrdinal = first + n;
            for (int i = 0; i < n; i++) {
                Prepared p = prepared.get(i);
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
        return ids.get(id);
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

    private RuntimeException storageFailed(Throwable t) {
        if (failure == null) {
            failure = t;
            LOG.error("Collection '{}': storage failure; the collection is read-only until restart", name, t);
        }
        return unavailable(t);
    }

    private VectorException unavailable(Throwable t) {
        if (closing) {
            return new CollectionNotFoundException(name);
        }
        return new VectorException(
                "collection '" + name + "' cannot be written after a storage failure (" + t
                        + "); restart the store to recover it from its last commit",
                t);
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
                            interrupted = true; // an acknowledged write must be durable: keep waiting
                        }
                    }
                }
                long reached;
                try {
                    reached = commitGroup();
                } catch (Throwable t) {
                    RuntimeException e = storageFailed(t);
                    synchronized (commitMonitor) {
                        committing = false;
                        commitMonitor.notifyAll();
                    }
                    throw e;
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
                vectorFile.force();
                return null;
            });
            syncExecutor.execute(vectorSync);
        }
        try {
            int firstAdded = Integer.MAX_VALUE;
            int max = committedMax;
            for (Batch b : deferred) {
                for (int i = 0; i < b.replacedCount; i++) {
                    records.remove((long) b.replacedOrdinals[i]);
                }
            }
            for (Batch b : batches) {
                for (int i = 0; i < b.addCount; i++) {
                    records.put((long) b.addOrdinals[i], b.addPayloads[i]);
                    firstAdded = Math.min(firstAdded, b.addOrdinals[i]);
                    max = Math.max(max, b.addOrdinals[i] + 1);
                }
                for (int i = 0; i < b.purgeCount; i++) {
                    records.remove((long) b.purgeOrdinals[i]);
                }
            }
            meta.put(NEXT_ORDINAL_KEY, Integer.toString(max));
            meta.put(LAST_GROUP_KEY, Integer.toString(firstAdded == Integer.MAX_VALUE ? max : firstAdded));
            committedMax = max;
            store.commit();
            Page<Long, byte[]> root = records.getRootPage();
            store.sync();
            if (vectorSync != null) {
                vectorSync.get();
                vectorSync = null;
            }
            deferredFrom = batches;
            publish(batches, root);
            return target;
        } finally {
            if (vectorSync != null) {
                vectorSync.get(); // never leave a sync running behind a failure
            }
        }
    }

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
                    table.put(o, b.addVectors[i], m);
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
            index.onPublish(batches);
            text.onPublish(batches);
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
            if (closing) {
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
        try {
            return records.get(s.recordsRoot, (long) ordinal);
        } catch (RuntimeException e) {
            if (closing) {
                throw new CollectionNotFoundException(name);
            }
            throw new VectorException("collection '" + name + "': reading a record failed: " + e, e);
        }
    }

    /** Turns ranked ordinals into hits: id and text from the snapshot's payloads, metadata and vector from memory. */
    List<SearchHit> hits(Snapshot s, ScoredOrdinals ranked, boolean includeVectors) {
        List<SearchHit> hits = new ArrayList<>(ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            int o = ranked.ordinals()[i];
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
        long target;
        writeLock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true; // no new batches from now on
            target = writtenSeq;
        } finally {
            writeLock.unlock();
        }
        if (failure == null) {
            try {
                awaitDurable(target); // batches already queued are committed and acknowledged
                forceDeferredRemoval();
            } catch (RuntimeException e) {
                LOG.warn("Collection '{}': final commit failed", name, e);
            }
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
        // nothing is published any more: persist the indexes so the next open resumes from them
        index.close(true);
        text.close(true);
        try {
            if (failure == null) {
                store.close(CLOSE_COMPACTION_MILLIS); // a little housekeeping: rewrite sparse chunks
            } else {
                store.closeImmediately();
            }
        } catch (RuntimeException e) {
            LOG.warn("Collection '{}': closing its store failed", name, e);
            store.closeImmediately();
        }
        closeVectorFile();
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

    private void closeVectorFile() {
        try {
            vectorFile.close();
        } catch (IOException e) {
            LOG.warn("Collection '{}': closing its vector file failed", name, e);
        }
    }

    /**
     * Simulates a crash for tests: closes the files without committing or syncing anything more, exactly as if the
     * process had died now (MVStore's {@code closeImmediately}).
     */
    void abandon() {
        writeLock.lock();
        try {
            closing = true;
        } finally {
            writeLock.unlock();
        }
        index.close(false);
        text.close(false);
        store.closeImmediately();
        closeVectorFile();
    }
}
