package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Edge;
import dev.caracal.vector.Filter;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DurabilityTest extends StoreTestSupport {

    @Test
    void reopenRestoresEverything() {
        HashingEmbeddingModel model = new HashingEmbeddingModel("m", 16);
        bindAll(model);
        CollectionInfo created =
                store.createCollection(new CollectionSpec("full", 0, Metric.DOT, "m", IndexSpec.FLAT_SPEC));
        create("other", 3, Metric.L2);
        Random random = new Random(2);
        List<VectorRecord> records = randomRecords(
                random,
                0,
                3000,
                16,
                (i, v) -> new VectorRecord(
                        "id-" + i,
                        v,
                        Map.of("i", i, "tags", List.of("a" + (i % 3)), "nested", Map.of("f", i * 0.5)),
                        "text " + i,
                        List.of(new Edge("id-" + (i + 1), "next", 0.25), new Edge("id-0", null, -1))));
        store.upsert("full", records.subList(0, 2000));
        store.upsert("full", records.subList(2000, 3000));
        store.upsert("full", List.of(new VectorRecord("embedded", null, Map.of("e", true), "some words", null)));
        store.delete("full", List.of("id-5", "id-6"));
        store.upsert("full", List.of(records.get(7).withVector(new float[16])));
        store.upsert("other", List.of(new VectorRecord("x", new float[] {1, 2, 3}, null, null, null)));
        float[] q = randomVector(random, 16);
        List<SearchHit> before = store.search("full", SearchRequest.ofVector(q, 20, new Filter.Eq("tags", "a1")))
                .hits();

        restart(model);

        CollectionInfo info = store.describe("full");
        assertEquals(created.spec(), info.spec());
        assertEquals(created.createdAt(), info.createdAt());
        assertEquals(2999, info.count());
        assertEquals(1, store.count("other"));
        for (int i = 0; i < 3000; i++) {
            if (i == 5 || i == 6) {
                assertTrue(store.get("full", "id-" + i).isEmpty());
                continue;
            }
            VectorRecord r = store.get("full", "id-" + i).orElseThrow();
            VectorRecord expected = records.get(i);
            assertArrayEquals(i == 7 ? new float[16] : expected.vector(), r.vector());
            assertEquals(expected.metadata(), r.metadata());
            assertEquals(expected.text(), r.text());
            assertEquals(List.of(new Edge("id-" + (i + 1), "next", 0.25), new Edge("id-0", "related", -1)), r.edges());
        }
        assertEquals("some words", store.get("full", "embedded").orElseThrow().text());
        List<SearchHit> after = store.search("full", SearchRequest.ofVector(q, 20, new Filter.Eq("tags", "a1")))
                .hits();
        assertEquals(
                before.stream().map(SearchHit::id).toList(),
                after.stream().map(SearchHit::id).toList());
        // writes continue after the reopen with fresh ordinals
        store.upsert("full", List.of(new VectorRecord("new", randomVector(random, 16), null, null, null)));
        assertEquals(3000, store.count("full"));
    }

    @Test
    void anUncleanCloseLosesNoAcknowledgedWrite() {
        create("c", 8, Metric.COSINE);
        Random random = new Random(4);
        for (int b = 0; b < 10; b++) {
            store.upsert("c", randomRecords(random, "r", b * 500, 500, 8));
        }
        store.delete("c", List.of("r1", "r2"));
        // abandon the store as a crash would: no final commit, no clean close of the file
        store.collection("c").abandon();
        restart();
        assertEquals(4998, store.count("c"));
        assertTrue(store.get("c", "r4999").isPresent());
        assertTrue(store.get("c", "r1").isEmpty());
    }

    @Test
    void replacedVersionsSurviveUntilTheReplacementIsDurableAndDeletesLeaveNothing() throws Exception {
        create("v", 4, Metric.DOT);
        store.upsert("v", List.of(vrec("x", 1), vrec("keep", 7), vrec("gone", 8)));
        store.upsert("v", List.of(vrec("gone", 9))); // "gone" now has a replaced version still stored
        store.delete("v", List.of("gone")); // the delete must remove both versions
        store.upsert("v", List.of(vrec("x", 2), vrec("y", 3)));
        int yOrdinal = store.collection("v").ordinalOf("y");
        // crash now, and pretend the last group's vectors never reached the disk: corrupt y's slot
        store.collection("v").abandon();
        try (FileChannel ch =
                FileChannel.open(dataDir.resolve("collections/default/v/vectors.f32"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), (long) yOrdinal * 4 * 4);
        }
        restart();
        // the unacknowledged last group is dropped whole, and the version of x it replaced is back
        assertTrue(store.get("v", "y").isEmpty());
        assertArrayEquals(
                new float[] {1, 1, 1, 1}, store.get("v", "x").orElseThrow().vector());
        assertTrue(store.get("v", "gone").isEmpty(), "a delete never resurrects an older version");
        assertEquals(2, store.count("v"));
        // the same crash without the corruption keeps the last group
        store.upsert("v", List.of(vrec("x", 5), vrec("z", 6)));
        store.collection("v").abandon();
        restart();
        assertArrayEquals(
                new float[] {5, 5, 5, 5}, store.get("v", "x").orElseThrow().vector());
        assertTrue(store.get("v", "z").isPresent());
        assertEquals(3, store.count("v"));
        // a clean restart removes replaced versions for good
        restart();
        restart();
        assertEquals(3, store.count("v"));
        assertArrayEquals(
                new float[] {5, 5, 5, 5}, store.get("v", "x").orElseThrow().vector());
    }

    @Test
    void aCorruptVectorOutsideTheLastGroupOnlyLosesThatRecord() throws Exception {
        create("k", 4, Metric.L2);
        store.upsert("k", List.of(vrec("a", 1), vrec("b", 2)));
        store.upsert("k", List.of(vrec("c", 3)));
        int aOrdinal = store.collection("k").ordinalOf("a");
        store.stop();
        try (FileChannel ch =
                FileChannel.open(dataDir.resolve("collections/default/k/vectors.f32"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9}), (long) aOrdinal * 4 * 4);
        }
        store = VectorStoreComponent.standalone(settings());
        assertTrue(store.get("k", "a").isEmpty());
        assertTrue(store.get("k", "b").isPresent());
        assertTrue(store.get("k", "c").isPresent());
    }

    static VectorRecord vrec(String id, float value) {
        return new VectorRecord(id, new float[] {value, value, value, value}, null, null, null);
    }

    @Test
    void killMinus9LosesNoAcknowledgedWrite() throws Exception {
        Path dir = dataDir.resolve("forked");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                javaBin,
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                dir.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = pb.start();
        int[] acked = new int[CrashWriter.THREADS];
        java.util.Arrays.fill(acked, -1);
        int acks = 0;
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    String[] parts = line.split(" ");
                    acked[Integer.parseInt(parts[1])] = Integer.parseInt(parts[2]);
                    if (++acks == 60) {
                        process.destroyForcibly(); // SIGKILL: no shutdown hook, no close
                        break;
                    }
                }
            }
            // acknowledgements printed after our last read are not counted: the check only gets weaker
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        assertEquals(60, acks, "the writer ran");

        store.stop();
        store = VectorStoreComponent.standalone(StoreSettings.defaults(dir));
        long total = store.count("crash");
        long expectedAtLeast = 0;
        for (int t = 0; t < CrashWriter.THREADS; t++) {
            for (int b = 0; b <= acked[t]; b++) {
                for (int i = 0; i < CrashWriter.BATCH; i++) {
                    VectorRecord expected = CrashWriter.record(t, b, i);
                    VectorRecord r = store.get("crash", expected.id())
                            .orElseThrow(() -> new AssertionError("acknowledged record lost: " + expected.id()));
                    assertArrayEquals(expected.vector(), r.vector());
                    assertEquals(expected.metadata(), r.metadata());
                    assertEquals(expected.text(), r.text());
                    assertEquals(expected.edges(), r.edges());
                }
            }
            expectedAtLeast += (acked[t] + 1L) * CrashWriter.BATCH;
            // a batch in flight at the kill is there completely or not at all
            int next = acked[t] + 1;
            long present = 0;
            for (int i = 0; i < CrashWriter.BATCH; i++) {
                if (store.get("crash", CrashWriter.id(t, next, i)).isPresent()) {
                    present++;
                }
            }
            assertTrue(present == 0 || present == CrashWriter.BATCH, "batch atomicity: " + present);
        }
        assertTrue(total >= expectedAtLeast, total + " < " + expectedAtLeast);
        assertEquals(0, total % CrashWriter.BATCH, "only whole batches");
        // and the store is writable again
        store.upsert("crash", List.of(CrashWriter.record(9, 0, 0)));
        assertEquals(total + 1, store.count("crash"));
        assertTrue(new File(dir.toFile(), "collections/default/crash/records.mv.db").isFile());
    }
}
