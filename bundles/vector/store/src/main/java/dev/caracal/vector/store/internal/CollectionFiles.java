package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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

    private final MVStore store;
    private final MVMap<String, String> meta;
    private final MVMap<Long, byte[]> records;
    private final VectorFile vectorFile;
    /** One past the highest ordinal committed; touched only by the commit leader. */
    private int committedMax;

    private CollectionFiles(
            SpecCodec.Stored stored,
            MVStore store,
            MVMap<String, String> meta,
            MVMap<Long, byte[]> records,
            VectorFile vectorFile) {
        this.stored = stored;
        this.name = stored.spec().name();
        this.store = store;
        this.meta = meta;
        this.records = records;
        this.vectorFile = vectorFile;
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

    /** Opens the files of a collection directory and reads its spec; {@link #load} reads the records. */
    static CollectionFiles open(Path directory, int cacheSizeMb) {
        MVStore store = openStore(directory.resolve(STORE_FILE), cacheSizeMb);
        try {
            MVMap<String, String> meta = store.openMap("meta");
            String specJson = meta.get(SPEC_KEY);
            if (specJson == null) {
                throw new IllegalStateException("no collection spec in " + directory);
            }
            SpecCodec.Stored stored = SpecCodec.read(specJson);
            MVMap<Long, byte[]> records = openRecords(store);
            VectorFile vectors = new VectorFile(
                    directory.resolve(VectorFile.NAME), stored.spec().dimension());
            return new CollectionFiles(stored, store, meta, records, vectors);
        } catch (IOException | RuntimeException e) {
            store.closeImmediately();
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
        committedMax = max;
        return new Loaded(max, live, records.getRootPage());
    }

    /** Writes vectors into their slots, from ordinal {@code first} on; {@link #syncVectors} makes them durable. */
    void writeVectors(int first, float[][] vectors, int count) throws IOException {
        vectorFile.write(first, vectors, count);
    }

    void syncVectors() throws IOException {
        vectorFile.force();
    }

    /**
     * Applies a commit group to the records map (the removals deferred from the previous group, then every batch's
     * adds and purges), records the next ordinal and the first ordinal of this group, commits and syncs the MVStore.
     * Returns the records map as of this commit. Commit leader only.
     */
    Page<Long, byte[]> commit(List<Batch> deferred, List<Batch> batches) {
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
        return root;
    }

    /** Writes a new spec into the meta map, committed and synced. Commit leader only. */
    void writeSpec(CollectionSpec spec, Instant createdAt) {
        meta.put(SPEC_KEY, SpecCodec.write(spec, createdAt));
        store.commit();
        store.sync();
    }

    /** The payload of {@code ordinal} in the records map as of {@code root}; {@code null} if absent there. */
    byte[] payload(Page<Long, byte[]> root, int ordinal) {
        return records.get(root, (long) ordinal);
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
        store.closeImmediately();
        closeVectorFile();
    }

    private void closeVectorFile() {
        try {
            vectorFile.close();
        } catch (IOException e) {
            LOG.warn("Collection '{}': closing its vector file failed", name, e);
        }
    }
}
