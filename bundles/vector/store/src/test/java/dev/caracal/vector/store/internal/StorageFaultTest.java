package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.StorageFailureException.Reason;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.store.internal.FaultyDisk.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage faults are survived and reported: a disk that fills, breaks its syncs or turns read-only under a running
 * store ({@link FaultyDisk}). A refused write is a {@link StorageFailureException} in plain words, nothing acknowledged
 * is lost and nothing refused appears (now, after recovery, and after a restart), reads go on, health says DEGRADED
 * and why, and writes resume by themselves once the disk takes them, without a restart.
 */
class StorageFaultTest {
    private static final int DIM = 4;

    @TempDir
    Path dataDir;

    FaultyDisk disk;
    VectorStoreComponent store;

    @BeforeEach
    void start() {
        disk = new FaultyDisk(dataDir);
        store = VectorStoreComponent.standalone(settings(), disk);
    }

    @AfterEach
    void stop() {
        disk.free();
        if (store != null) {
            store.stop();
        }
        disk.unregister();
    }

    StoreSettings settings() {
        return new StoreSettings(dataDir, 2, 10_000, 10_000, 512, 4, 1);
    }

    void restart() {
        store.stop();
        store = VectorStoreComponent.standalone(settings(), disk);
    }

    static float[] vector(int i) {
        return new float[] {i, i * 0.5f, -i, 1};
    }

    static VectorRecord record(String id, int i) {
        return new VectorRecord(id, vector(i), Map.of("i", i), "text " + id, List.of());
    }

    void createDocs(int records) {
        store.createCollection(new CollectionSpec("docs", DIM, Metric.L2, null, IndexSpec.FLAT_SPEC));
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            batch.add(record("a" + i, i));
        }
        store.upsert("docs", batch);
    }

    /** The message a client sees: plain words, no Java class names or the file system's raw error text. */
    static void assertPlain(StorageFailureException e) {
        String m = e.getMessage();
        assertFalse(m.contains("Exception"), m);
        assertFalse(m.contains("java."), m);
        assertFalse(m.contains("org.h2"), m);
        assertFalse(m.contains("No space left on device"), m);
    }

    void assertAcknowledgedState(int records) {
        assertAcknowledgedState(records, records);
    }

    /** Records {@code a0} to {@code a<records-1>} are there as acknowledged, and {@code count} records in all. */
    void assertAcknowledgedState(int records, long count) {
        assertEquals(count, store.count("docs"));
        for (int i = 0; i < records; i++) {
            VectorRecord r = store.get("docs", "a" + i).orElseThrow(() -> new AssertionError("lost a record"));
            assertArrayEquals(vector(i), r.vector());
            assertEquals("text a" + i, r.text());
        }
        int probe = Math.min(3, records - 1);
        assertEquals(
                "a" + probe,
                store.search("docs", SearchRequest.ofVector(vector(probe), 1, null))
                        .hits()
                        .get(0)
                        .id());
    }

    @Test
    void aFullDiskRefusesTheWriteKeepsWhatWasAcknowledgedAndWritesResumeWhenSpaceReturns() {
        createDocs(10);
        assertTrue(store.readiness());

        disk.fill(Target.STORE); // the vectors are written, the MVStore commit fails
        StorageFailureException upsert = assertThrows(
                StorageFailureException.class,
                () -> store.upsert("docs", List.of(record("b0", 100), record("b1", 101), record("a0", 200))));
        assertEquals(Reason.FULL, upsert.reason());
        assertEquals("docs", upsert.collection());
        assertTrue(upsert.getMessage().contains("is full"), upsert.getMessage());
        assertTrue(upsert.getMessage().contains("'docs' was not changed"), upsert.getMessage());
        assertPlain(upsert);

        // reads are served from what was acknowledged, the refused batch is nowhere
        assertAcknowledgedState(10);
        assertTrue(store.get("docs", "b0").isEmpty());

        // every kind of write is refused the same way while the disk is full
        StorageFailureException delete =
                assertThrows(StorageFailureException.class, () -> store.delete("docs", List.of("a1")));
        assertEquals(Reason.FULL, delete.reason());
        StorageFailureException index = assertThrows(
                StorageFailureException.class,
                () -> store.changeIndex("docs", new IndexSpec(IndexSpec.FLAT, Map.of("quantization", "int8"))));
        assertEquals(Reason.FULL, index.reason());
        assertEquals("flat", store.describe("docs").index().type());
        assertAcknowledgedState(10);

        // health names the collection and why; the only collection cannot write, so the store is not ready
        HealthCheck.Result health = store.check();
        assertEquals(HealthStatus.DEGRADED, health.status());
        assertTrue(health.message().contains("docs: cannot be written"), health.message());
        assertTrue(health.message().contains("is full"), health.message());
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) health.details().get("docs");
        assertEquals("full", details.get("storageFailure"));
        assertFalse(store.readiness());

        disk.free(); // space returns: the next write recovers the collection by itself
        store.upsert("docs", List.of(record("c0", 300)));
        assertEquals(HealthStatus.UP, store.check().status());
        assertTrue(store.readiness());
        assertTrue(store.get("docs", "b0").isEmpty());
        assertTrue(store.get("docs", "c0").isPresent());
        assertEquals(11, store.count("docs"));
        store.delete("docs", List.of("c0"));
        assertAcknowledgedState(10);

        restart(); // and what is on disk says the same
        assertAcknowledgedState(10);
        assertTrue(store.get("docs", "b0").isEmpty());
        assertTrue(store.get("docs", "c0").isEmpty());
    }

    @Test
    void aVectorWriteThatFindsNoSpaceRefusesTheBatch() {
        createDocs(10);
        disk.fill(Target.VECTORS);
        StorageFailureException e =
                assertThrows(StorageFailureException.class, () -> store.upsert("docs", List.of(record("b0", 100))));
        assertEquals(Reason.FULL, e.reason());
        assertPlain(e);
        assertAcknowledgedState(10);
        assertEquals(HealthStatus.DEGRADED, store.check().status());

        disk.free();
        store.upsert("docs", List.of(record("b1", 101)));
        assertEquals(HealthStatus.UP, store.check().status());
        restart();
        assertTrue(store.get("docs", "b0").isEmpty());
        assertTrue(store.get("docs", "b1").isPresent());
        assertEquals(11, store.count("docs"));
    }

    @Test
    void aGroupWhoseRecordsReachedTheDiskButWhoseSyncFailedIsTakenBack() {
        createDocs(10);
        // the records commit reaches the disk, the vectors' sync fails: the group is not acknowledged
        disk.breakSync(Target.VECTORS);
        StorageFailureException upsert = assertThrows(
                StorageFailureException.class,
                () -> store.upsert("docs", List.of(record("b0", 100), record("a0", 200))));
        assertEquals(Reason.IO, upsert.reason());
        assertPlain(upsert);
        disk.free();
        // the records sync fails after the commit wrote the delete: the deleted record must come back
        disk.breakSync(Target.STORE);
        assertThrows(StorageFailureException.class, () -> store.delete("docs", List.of("a2")));
        assertAcknowledgedState(10);

        disk.free();
        store.upsert("docs", List.of(record("c0", 300)));
        assertTrue(store.get("docs", "b0").isEmpty());
        restart();
        assertTrue(store.get("docs", "b0").isEmpty());
        assertTrue(store.get("docs", "c0").isPresent());
        assertEquals(11, store.count("docs"));
        store.delete("docs", List.of("c0"));
        assertAcknowledgedState(10);
    }

    @Test
    void concurrentWritersLoseNothingAcknowledgedAndSeeNothingRefused() throws Exception {
        createDocs(10);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        int writers = 4;
        CountDownLatch someWritten = new CountDownLatch(writers * 3);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int b = 0; ; b++) {
                        List<VectorRecord> batch = new ArrayList<>();
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < 5; i++) {
                            String id = "w" + writer + "-" + b + "-" + i;
                            batch.add(record(id, 1000 + b * 5 + i));
                            ids.add(id);
                        }
                        try {
                            store.upsert("docs", batch);
                            acknowledged.addAll(ids);
                            someWritten.countDown();
                        } catch (StorageFailureException e) {
                            refused.addAll(ids);
                            return null;
                        }
                    }
                }));
            }
            someWritten.await();
            disk.fillAfter(4096, Target.STORE); // the disk fills in the middle of some commit
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(refused.isEmpty());
        checkExactly(acknowledged, refused);
        disk.free();
        assertTrue(store.collection("docs").tryRecover());
        checkExactly(acknowledged, refused);
        restart();
        checkExactly(acknowledged, refused);
        assertAcknowledgedState(10, 10 + acknowledged.size());
    }

    private void checkExactly(Set<String> acknowledged, Set<String> refused) {
        for (String id : acknowledged) {
            assertTrue(store.get("docs", id).isPresent(), "acknowledged " + id + " was lost");
        }
        for (String id : refused) {
            assertTrue(store.get("docs", id).isEmpty(), "refused " + id + " appeared");
        }
    }

    @Test
    void aCreateOnAFullDiskIsRefusedAndLeavesNothing() {
        disk.fill();
        StorageFailureException e = assertThrows(
                StorageFailureException.class,
                () -> store.createCollection(new CollectionSpec("docs", DIM, Metric.L2, null, IndexSpec.FLAT_SPEC)));
        assertEquals(Reason.FULL, e.reason());
        assertNull(e.collection());
        assertTrue(e.getMessage().contains("creating collection 'docs' was refused"), e.getMessage());
        assertPlain(e);
        assertTrue(store.listCollections().isEmpty());
        assertFalse(store.readiness());
        disk.free();
        createDocs(3);
        assertTrue(store.readiness());
        assertEquals(HealthStatus.UP, store.check().status());
    }

    @Test
    void aReadOnlyDataDirectoryIsFoundAtStartAndOnCreate() {
        createDocs(3);
        disk.makeReadOnly();
        StorageFailureException create = assertThrows(
                StorageFailureException.class,
                () -> store.createCollection(new CollectionSpec("more", DIM, Metric.L2, null, IndexSpec.FLAT_SPEC)));
        assertEquals(Reason.READ_ONLY, create.reason());
        assertTrue(create.getMessage().contains("is not writable"), create.getMessage());
        assertPlain(create);
        HealthCheck.Result health = store.check();
        assertEquals(HealthStatus.DEGRADED, health.status());
        assertTrue(health.message().contains("is not writable"), health.message());
        assertFalse(store.readiness());
        StorageFailureException write =
                assertThrows(StorageFailureException.class, () -> store.upsert("docs", List.of(record("b0", 100))));
        assertEquals(Reason.READ_ONLY, write.reason());
        assertAcknowledgedState(3);

        disk.free();
        store.dropCollection("docs");
        restart();
        disk.makeReadOnly();
        restart(); // an empty data directory that is read-only at start
        health = store.check();
        assertEquals(HealthStatus.DEGRADED, health.status());
        assertTrue(
                health.details().containsKey(".dataDirectory"), health.details().toString());
        assertFalse(store.readiness());
        disk.free();
        store.createCollection(new CollectionSpec("more", DIM, Metric.L2, null, IndexSpec.FLAT_SPEC));
        assertTrue(store.readiness());
        assertEquals(HealthStatus.UP, store.check().status());
    }

    @Test
    void aCollectionFoundOnAReadOnlyDirectoryAtStartServesReadsAndTakesWritesOnceTheDirectoryDoes() {
        createDocs(10);
        store.delete("docs", List.of("a9"));
        // a replaced version still stored (its removal deferred to the next commit), then a crash: loading removes it
        store.upsert("docs", List.of(record("a0", 0)));
        store.collection("docs").abandon();
        disk.makeReadOnly();
        restart();
        assertAcknowledgedState(9);
        assertTrue(store.get("docs", "a9").isEmpty());
        HealthCheck.Result health = store.check();
        assertEquals(HealthStatus.DEGRADED, health.status());
        assertTrue(health.message().contains("is not writable"), health.message());
        assertFalse(store.readiness());
        StorageFailureException write =
                assertThrows(StorageFailureException.class, () -> store.upsert("docs", List.of(record("b0", 100))));
        assertEquals(Reason.READ_ONLY, write.reason());
        assertPlain(write);
        StorageFailureException drop = assertThrows(StorageFailureException.class, () -> store.dropCollection("docs"));
        assertEquals(Reason.READ_ONLY, drop.reason());
        assertPlain(drop);
        assertAcknowledgedState(9);

        disk.free();
        store.probeStorage(); // the store's periodic probe finds the directory writable and reopens for writing
        assertEquals(
                true,
                ((Map<?, ?>) store.check().details().get("docs")).get("writable"),
                store.check().details().toString());
        assertEquals(HealthStatus.UP, store.check().status());
        assertTrue(store.readiness());
        store.upsert("docs", List.of(record("a9", 9)));
        assertAcknowledgedState(10);
        restart();
        assertAcknowledgedState(10);
    }

    @Test
    void aKeywordIndexThatFailedOnAFullDiskIsBuiltAgainWhenTheDiskTakesWrites() {
        TestTextIndexFactory words = new TestTextIndexFactory();
        store.bindTextIndexFactory(words);
        createDocs(5);
        awaitText(IndexStatus.READY);

        words.failAddsWith = "No space left on device";
        store.upsert("docs", List.of(record("a5", 5)));
        CollectionInfo info = store.describe("docs");
        assertEquals(IndexStatus.DEGRADED, info.textIndex().status());
        String message = info.textIndex().message();
        assertTrue(message.contains("is full"), message);
        assertFalse(message.contains("Exception") || message.contains("java."), message);
        assertAcknowledgedState(6);

        store.probeStorage(); // the disk takes writes (the probe file fits) but the plugin still fails: retried later
        awaitText(IndexStatus.DEGRADED);
        words.failAddsWith = null;
        store.probeStorage(); // within the back-off: not yet
        assertEquals(IndexStatus.DEGRADED, store.describe("docs").textIndex().status());
        store.unbindTextIndexFactory(words);
        store.bindTextIndexFactory(words); // a plugin that comes back is attached at once, back-off or not
        awaitText(IndexStatus.READY);
        assertEquals(
                "a5",
                store.search("docs", SearchRequest.keyword("a5", 1, null))
                        .hits()
                        .get(0)
                        .id());
    }

    @Test
    void aKeywordIndexThatFailedOnAFullDiskIsRetriedByTheProbe() {
        TestTextIndexFactory words = new TestTextIndexFactory();
        store.bindTextIndexFactory(words);
        createDocs(5);
        awaitText(IndexStatus.READY);
        words.failAddsWith = "No space left on device";
        store.upsert("docs", List.of(record("a5", 5)));
        assertEquals(IndexStatus.DEGRADED, store.describe("docs").textIndex().status());
        words.failAddsWith = null;
        store.probeStorage();
        awaitText(IndexStatus.READY);
        assertEquals(6, words.last.size());
    }

    @Test
    void anInterruptedWriterIsServedAndKeepsItsInterruptWithoutBreakingTheFiles() {
        createDocs(3);
        Thread.currentThread().interrupt(); // a console command stopped with Ctrl-C, a pool shutting down
        store.upsert("docs", List.of(record("a3", 3)));
        assertTrue(Thread.interrupted(), "the caller's interrupt is kept for it");
        assertNull(store.collection("docs").failure(), "an interrupt is not a failure of the disk");
        Thread.currentThread().interrupt();
        store.delete("docs", List.of("a3"));
        assertTrue(Thread.interrupted());
        store.upsert("docs", List.of(record("a3", 3), record("a4", 4)));
        assertAcknowledgedState(5);
        restart();
        assertAcknowledgedState(5);
    }

    private void awaitText(IndexStatus status) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (store.describe("docs").textIndex().status() != status) {
            assertTrue(System.nanoTime() < deadline, "the text index never became " + status);
            Thread.onSpinWait();
        }
    }
}
