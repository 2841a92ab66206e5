package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one collection, in its directory: an MVStore file ({@code records.mv.db}) with a {@code meta} map (spec,
 * next ordinal, first ordinal of the last commit group) and a {@code records} map (ordinal -> {@link RecordCodec}
 * payload: id, vector checksum, metadata, text, edges); and a {@link VectorFile} ({@code vectors.f32}, one fixed slot
 * per ordinal).
 *
 * <p>It writes a new collection, loads an existing one (recovering from a crash, see {@link #load}), commits groups of
 * batches and spec changes (callers serialize commits: see {@link GroupCommitter}), and reads payloads as of a commit.
 *
 * <p>After a storage failure (H2 closes an MVStore whose write failed) it {@link #reopen reopens} its files as they are
 * on disk, taking back what the unacknowledged group may have left there ({@link CommitUndo}), so that reads go on,
 * and {@link #persistRepair} makes that state durable once the disk takes writes again.
 *
 * <p>Files in a directory that does not take writes (a read-only file system, a directory the server may not write)
 * are opened {@link #isReadOnly read-only}: everything can be read, and what loading would have written (the removals
 * of a crash's leftovers) is kept in memory until a {@link #reopen} can open them for writing again.
 */
final class CollectionFiles {
    static final String STORE_FILE = "records.mv.db";
    private static final Logger LOG = LoggerFactory.getLogger(CollectionFiles.class);
    private static final String SPEC_KEY = "spec";
    private static final String NEXT_ORDINAL_KEY = "nextOrdinal";
    private static final String LAST_GROUP_KEY = "lastGroupFrom";
    private static final int CLOSE_COMPACTION_MILLIS = 200;

    /** What {@link #load} found: one past the highest ordinal, the live records, the records map as committed. */
    record Loaded(int maxOrdinal, long liveCount, Page<Long, byte[]> recordsRoot) {}

    /** The spec and creation time as stored when the files were opened. */
    final SpecCodec.Stored stored;

    /** The collection's name, for log messages. */
    private final String name;

    private final Path directory;
    private final FileLayer layer;
    private final int cacheSizeMb;

    // replaced by reopen (commit leader only); records is read by readers too
    private MVStore store;
    private MVMap<String, String> meta;
    private volatile MVMap<Long, byte[]> records;
    /** {@code null} after a reopen that could open the records but not the vectors; replaced under the write lock. */
    private volatile VectorFile vectorFile;
    /** Set while {@link #reopen} replaces the store, so readers that failed on the old one wait for the new one. */
    private volatile boolean reopening;
    /** Whether the files are open for reading only (the directory did not take writes when they were opened). */
    private volatile boolean readOnly;
    /** Ordinals {@link #load} found to remove while read-only: removed by the first {@link #reopen} for writing. */
    private List<Long> pendingRemovals = List.of();

    // the acknowledged state; touched only by the commit leader
    /** One past the highest ordinal committed. */
    private int committedMax;

    private int committedLastGroup = Integer.MAX_VALUE;
    private String committedSpec;
    /** The group committed but not acknowledged yet (or whose commit failed), else {@code null}. */
    private CommitUndo undo;

    private CollectionFiles(
            Path directory,
            FileLayer layer,
            int cacheSizeMb,
            SpecCodec.Stored stored,
            String specJson,
            MVStore store,
            VectorFile vectorFile,
            boolean readOnly) {
        this.directory = directory;
        this.readOnly = readOnly;
        this.layer = layer;
        this.cacheSizeMb = cacheSizeMb;
        this.stored = stored;
        this.committedSpec = specJson;
        this.name = stored.spec().name();
        this.store = store;
        this.meta = store.openMap("meta");
        this.records = openRecords(store);
        this.vectorFile = vectorFile;
    }

    /** Writes a new, empty collection into {@code directory} (which must be new), committed and synced. */
    static void initialize(FileLayer layer, Path directory, CollectionSpec spec, Instant createdAt) {
        MVStore store = openStore(layer, directory.resolve(STORE_FILE), 1, true);
        try {
            MVMap<String, String> meta = store.openMap("meta");
            openRecords(store);
            meta.put(SPEC_KEY, SpecCodec.write(spec, createdAt));
            meta.put(NEXT_ORDINAL_KEY, "0");
            store.commit();
            store.sync();
        } finally {
            if (store.isClosed()) {
                store.closeImmediately();
            } else {
                store.close();
            }
        }
        try {
            VectorFile vectors = new VectorFile(layer, directory.resolve(VectorFile.NAME), spec.dimension());
            vectors.force();
            vectors.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FileUtil.syncDirectory(directory);
    }

    /**
     * Opens the files of a collection directory (for writing too when {@code writable}) and reads its spec;
     * {@link #load} reads the records.
     */
    static CollectionFiles open(FileLayer layer, Path directory, int cacheSizeMb, boolean writable) {
        MVStore store = openStore(layer, directory.resolve(STORE_FILE), cacheSizeMb, writable);
        try {
            MVMap<String, String> meta = store.openMap("meta");
            String specJson = meta.get(SPEC_KEY);
            if (specJson == null) {
                throw new IllegalStateException("no collection spec in " + directory);
            }
            SpecCodec.Stored stored = SpecCodec.read(specJson);
            VectorFile vectors = new VectorFile(
                    layer, directory.resolve(VectorFile.NAME), stored.spec().dimension(), writable);
            return new CollectionFiles(directory, layer, cacheSizeMb, stored, specJson, store, vectors, !writable);
        } catch (IOException | RuntimeException e) {
            store.closeImmediately();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    static boolean looksLikeCollection(Path directory) {
        return Files.isRegularFile(directory.resolve(STORE_FILE));
    }

    private static MVStore openStore(FileLayer layer, Path file, int cacheSizeMb, boolean writable) {
        MVStore.Builder builder = new MVStore.Builder()
                .fileName(layer.storeFileName(file))
                // commits happen only in the group committer; no background writer that could persist half a batch
                .autoCommitDisabled()
                // and no commit forced by unsaved memory in the middle of applying a group (1 GB)
                .autoCommitBufferSize(1 << 20)
                .cacheSize(cacheSizeMb);
        if (!writable) {
            builder.readOnly();
        }
        return builder.open();
    }

    /** Whether the files are open for reading only: writes are refused until {@link #reopen} opens them for writing. */
    boolean isReadOnly() {
        return readOnly;
    }

    private static MVMap<Long, byte[]> openRecords(MVStore store) {
        return store.openMap(
                "records",
                new MVMap.Builder<Long, byte[]>().keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    /**
     * Reads every record into {@code table} (vectors and metadata), {@code postings} and {@code ids} (id -> ordinal of
     * its newest valid version), recovering from a crash: a record whose vector fails its checksum is left out, and
     * when one of the last commit group fails, the whole group is dropped (it was never acknowledged); older
     * versions of a replaced record whose removal was deferred are removed now. Removals are committed and synced.
     */
    Loaded load(VectorTable table, MetadataPostings postings, Map<String, Integer> ids) throws IOException {
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
            table.putLoaded(ordinal, d.metadata(), RecordCodec.hasText(cursor.getValue()) ? null : d.id());
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
        committedMax = max;
        if (removals.isEmpty()) {
            committedLastGroup = Integer.parseInt(meta.getOrDefault(LAST_GROUP_KEY, Integer.toString(max)));
        } else if (readOnly) {
            // nothing refers to them in memory; removed on disk once the files can be written
            pendingRemovals = removals;
            committedLastGroup = max;
        } else {
            for (Long o : removals) {
                records.remove(o);
            }
            meta.put(LAST_GROUP_KEY, Integer.toString(max));
            store.commit();
            store.sync();
            committedLastGroup = max;
        }
        return new Loaded(max, live, records.getRootPage());
    }

    /** Writes vectors into their slots, from ordinal {@code first} on; {@link #syncVectors} makes them durable. */
    void writeVectors(int first, float[][] vectors, int count) throws IOException {
        vectorFile().write(first, vectors, count);
    }

    void syncVectors() throws IOException {
        vectorFile().force();
    }

    private VectorFile vectorFile() throws IOException {
        VectorFile f = vectorFile;
        if (f == null) {
            throw new IOException("the vector file could not be opened again after a storage failure");
        }
        return f;
    }

    /**
     * Applies a commit group to the records map (the removals deferred from the previous group, then every batch's
     * adds and purges), records the next ordinal and the first ordinal of this group, commits and syncs the MVStore.
     * Returns the records map as of this commit. Commit leader only.
     */
    Page<Long, byte[]> commit(List<Batch> deferred, List<Batch> batches) {
        int firstAdded = Integer.MAX_VALUE;
        int max = committedMax;
        for (Batch b : batches) {
            for (int i = 0; i < b.addCount; i++) {
                firstAdded = Math.min(firstAdded, b.addOrdinals[i]);
                max = Math.max(max, b.addOrdinals[i] + 1);
            }
        }
        CommitUndo group = new CommitUndo(max, firstAdded == Integer.MAX_VALUE ? max : firstAdded);
        undo = group; // from here until acknowledge(), a failure takes this group back
        for (Batch b : deferred) {
            for (int i = 0; i < b.replacedCount; i++) {
                records.remove((long) b.replacedOrdinals[i]);
            }
        }
        for (Batch b : batches) {
            for (int i = 0; i < b.addCount; i++) {
                records.put((long) b.addOrdinals[i], b.addPayloads[i]);
                group.added.add((long) b.addOrdinals[i]);
            }
            for (int i = 0; i < b.purgeCount; i++) {
                byte[] old = records.remove((long) b.purgeOrdinals[i]);
                if (old != null) {
                    group.removed.putIfAbsent((long) b.purgeOrdinals[i], old);
                }
            }
        }
        meta.put(NEXT_ORDINAL_KEY, Integer.toString(group.nextOrdinal));
        meta.put(LAST_GROUP_KEY, Integer.toString(group.lastGroupFrom));
        store.commit();
        Page<Long, byte[]> root = records.getRootPage();
        store.sync();
        return root;
    }

    /** The group {@link #commit} wrote is acknowledged (its vectors are synced too): it is never taken back. */
    void acknowledge() {
        committedMax = undo.nextOrdinal;
        committedLastGroup = undo.lastGroupFrom;
        undo = null;
    }

    /** One past the highest acknowledged ordinal. Commit leader only. */
    int committedMax() {
        return committedMax;
    }

    /** Writes a new spec into the meta map, committed and synced. Commit leader only. */
    void writeSpec(CollectionSpec spec, Instant createdAt) {
        String json = SpecCodec.write(spec, createdAt);
        meta.put(SPEC_KEY, json);
        store.commit();
        store.sync();
        committedSpec = json;
    }

    /** The payload of {@code ordinal} in the records map as of {@code root}; {@code null} if absent there. */
    byte[] payload(Page<Long, byte[]> root, int ordinal) {
        return records.get(root, (long) ordinal);
    }

    /** Whether {@link #reopen} is replacing the store right now. */
    boolean isReopening() {
        return reopening;
    }

    /** Creates, syncs and deletes a small file in the collection's directory; throws when the disk refuses. */
    void probeWritable() throws IOException {
        layer.probeWritable(directory);
    }

    /**
     * Closes the files as they are and opens them again (after a failed write H2 has closed the MVStore, and a
     * failed sync leaves a channel in doubt), taking back in memory what the unacknowledged group left (added
     * records removed, deleted ones put back, meta as acknowledged): the records map then holds exactly what was
     * acknowledged. Returns its root, for readers. Nothing is written to disk here: see {@link #persistRepair}.
     * When the files cannot be opened for writing (the file system turned read-only), they are opened for reading
     * only, as they are: what was acknowledged is all readers reach, since they find records by the ordinals the
     * collection published. Commit leader only.
     */
    Page<Long, byte[]> reopen() throws IOException {
        reopening = true;
        try {
            closeImmediately();
            vectorFile = null;
            Path file = directory.resolve(STORE_FILE);
            MVStore s;
            boolean ro = false;
            try {
                s = openStore(layer, file, cacheSizeMb, true);
            } catch (RuntimeException e) {
                if (!StorageErrors.isStorageFailure(e)) {
                    throw e;
                }
                LOG.warn("Collection '{}': its files can only be opened for reading now ({})", name, e.toString());
                s = openStore(layer, file, cacheSizeMb, false);
                ro = true;
            }
            store = s;
            readOnly = ro;
            meta = s.openMap("meta");
            MVMap<Long, byte[]> r = openRecords(s);
            if (ro) {
                records = r;
                vectorFile = new VectorFile(
                        layer, directory.resolve(VectorFile.NAME), stored.spec().dimension(), false);
                return r.getRootPage();
            }
            for (Long o : pendingRemovals) {
                r.remove(o);
            }
            if (undo != null) {
                for (Long o : undo.added) {
                    if (r.containsKey(o)) {
                        r.remove(o);
                    }
                }
                for (Map.Entry<Long, byte[]> e : undo.removed.entrySet()) {
                    if (!Arrays.equals(r.get(e.getKey()), e.getValue())) {
                        r.put(e.getKey(), e.getValue());
                    }
                }
            }
            putIfChanged(SPEC_KEY, committedSpec);
            putIfChanged(NEXT_ORDINAL_KEY, Integer.toString(committedMax));
            putIfChanged(LAST_GROUP_KEY, Integer.toString(committedLastGroup));
            records = r;
            vectorFile = new VectorFile(
                    layer, directory.resolve(VectorFile.NAME), stored.spec().dimension());
            return r.getRootPage();
        } finally {
            reopening = false;
        }
    }

    private void putIfChanged(String key, String value) {
        if (!value.equals(meta.get(key))) {
            meta.put(key, value);
        }
    }

    /** Makes what {@link #reopen} took back durable, and proves both files sync. Commit leader only. */
    void persistRepair() throws IOException {
        if (readOnly) {
            throw new AccessDeniedException(directory.toString(), null, "the files could only be opened for reading");
        }
        if (vectorFile == null) {
            vectorFile = new VectorFile(
                    layer, directory.resolve(VectorFile.NAME), stored.spec().dimension());
        }
        store.commit();
        store.sync();
        vectorFile.force();
        undo = null;
        pendingRemovals = List.of();
    }

    /**
     * Closes the files; when {@code compact}, the MVStore gets a little housekeeping first (sparse chunks rewritten),
     * otherwise (after a storage failure) it is closed as it is.
     */
    void close(boolean compact) {
        try {
            if (compact) {
                store.close(CLOSE_COMPACTION_MILLIS);
            } else {
                store.closeImmediately();
            }
        } catch (RuntimeException e) {
            LOG.warn("Collection '{}': closing its store failed", name, e);
            store.closeImmediately();
        }
        closeVectorFile();
    }

    /** Closes the files without committing or syncing anything more, as if the process had died now. */
    void closeImmediately() {
        try {
            store.closeImmediately();
        } catch (RuntimeException e) {
            LOG.debug("Collection '{}': closing its store failed", name, e);
        }
        closeVectorFile();
    }

    private void closeVectorFile() {
        if (vectorFile == null) {
            return;
        }
        try {
            vectorFile.close();
        } catch (IOException e) {
            LOG.warn("Collection '{}': closing its vector file failed", name, e);
        }
    }
}
