package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.LlmProperties;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Edge;
import dev.caracal.vector.Filter;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written before collections belonged to tenants ({@code src/test/resources/legacy-data}, written by
 * {@link LegacyDataFixtures} with the store of that time) opened by this store: every collection moves into the
 * default tenant with all its records, metadata, text and edges, searches answer as before, the index plugins resume
 * from the files they persisted (nothing is rebuilt), and a move that stopped half way (a crash, a failed rename, a
 * read-only disk) loses nothing and is finished by the next start.
 */
class LegacyLayoutUpgradeTest {
    static final Set<String> COLLECTIONS = Set.of("default", "docs", "points");

    @TempDir
    Path dataDir;

    Path root;
    VectorStoreComponent store;
    TestIndexFactory index;
    TestTextIndexFactory words;

    @AfterEach
    void stop() {
        if (store != null) {
            store.stop();
        }
    }

    /** Copies the fixture into the test's data directory. */
    void copyFixture() throws IOException, URISyntaxException {
        Path fixture = Path.of(
                Objects.requireNonNull(getClass().getResource("/legacy-data")).toURI());
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path from : files.toList()) {
                Path to = dataDir.resolve(fixture.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        root = dataDir.resolve(CollectionLayout.COLLECTIONS_DIR);
        assertTrue(
                Files.isRegularFile(root.resolve("docs/records.mv.db")), "the fixture has the layout before tenants");
    }

    void start(FileLayer layer) {
        store = new VectorStoreComponent();
        index = new TestIndexFactory();
        words = new TestTextIndexFactory();
        store.bindEmbeddingModel(
                new HashingEmbeddingModel(LegacyDataFixtures.MODEL, 8),
                Map.of(LlmProperties.EMBEDDING_MODEL, LegacyDataFixtures.MODEL));
        store.bindIndexFactory(index, Map.of(VectorIndexFactory.TYPE_PROPERTY, TestIndexFactory.TYPE));
        store.bindTextIndexFactory(words);
        store.start(new StoreSettings(dataDir, 1, 100, 100, 512, 1, 1), layer);
    }

    void restart(FileLayer layer) {
        store.stop();
        start(layer);
    }

    /** What is in the collections directory and the default tenant's folder. */
    Set<String> layout() throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.forEach(p -> out.add(p.getFileName().toString()));
        }
        if (Files.isDirectory(root.resolve("default")) && !Files.exists(root.resolve("default/records.mv.db"))) {
            try (Stream<Path> entries = Files.list(root.resolve("default"))) {
                entries.forEach(p -> out.add("default/" + p.getFileName()));
            }
        }
        return out;
    }

    void assertUpgradedLayout() throws IOException {
        assertEquals(Set.of("default", "default/default", "default/docs", "default/points"), layout());
        assertTrue(Files.isRegularFile(root.resolve("default/docs/index/state.bin")), "the index file moved along");
        assertTrue(Files.isRegularFile(root.resolve("default/docs/text/words.txt")), "the text index moved along");
    }

    /** Every record, count and search of the fixture, in the default tenant (the service's own methods). */
    void assertEverythingIsThere() {
        assertEquals(List.of("default", "docs", "points"), names(store.listCollections()));
        assertEquals(Set.of("default"), store.collectionsByTenant().keySet());

        CollectionInfo docs = store.describe("docs");
        assertEquals(LegacyDataFixtures.MODEL, docs.spec().embeddingModel());
        assertEquals(TestIndexFactory.TYPE, docs.spec().index().type());
        assertEquals(LegacyDataFixtures.DOCS - 1, store.count("docs"));
        for (int i = 0; i < LegacyDataFixtures.DOCS; i++) {
            String id = "doc-" + i;
            if (id.equals(LegacyDataFixtures.DELETED)) {
                assertTrue(store.get("docs", id).isEmpty(), "a deleted record stays deleted");
                continue;
            }
            VectorRecord r = store.get("docs", id).orElseThrow(() -> new AssertionError(id + " was lost"));
            assertEquals(LegacyDataFixtures.docText(i), r.text());
            assertEquals(i, ((Number) r.metadata().get("n")).intValue());
            assertEquals("t" + (i % 3), r.metadata().get("topic"));
            assertEquals(8, r.vector().length);
        }
        SearchResult byText = store.search("docs", SearchRequest.ofText(LegacyDataFixtures.docText(3), 1, null));
        assertEquals("doc-3", byText.hits().get(0).id(), "the embedded vectors answer as before");
        SearchResult keyword = store.search("docs", SearchRequest.keyword("gardens", 10, null));
        assertEquals(Set.of("doc-1", "doc-4", "doc-7", "doc-10"), ids(keyword));
        assertEquals(
                Set.of("doc-0", "doc-3"),
                ids(store.search(
                        "docs", SearchRequest.keyword("loops", 10, new Filter.Range("n", null, null, 4.0, null)))));

        assertEquals(5, store.count("points"));
        for (int i = 1; i <= 5; i++) {
            VectorRecord p = store.get("points", "p" + i).orElseThrow();
            assertArrayEquals(LegacyDataFixtures.point(i), p.vector());
            assertEquals(i % 2 == 0, p.metadata().get("even"));
            assertEquals(i > 1 ? List.of(new Edge("p" + (i - 1), "next", 1.0)) : List.of(), p.edges());
        }
        assertEquals(
                "p4",
                store.search("points", SearchRequest.ofVector(LegacyDataFixtures.point(4), 1, null))
                        .hits()
                        .get(0)
                        .id());
        assertEquals(
                Set.of("p2", "p4"),
                ids(store.search(
                        "points", SearchRequest.ofVector(new float[] {0, 0, 0}, 5, new Filter.Eq("even", true)))));

        assertEquals(2, store.count("default"));
        assertEquals(
                "x",
                store.search("default", SearchRequest.ofVector(new float[] {1, 0}, 1, null))
                        .hits()
                        .get(0)
                        .id());
    }

    /** The index plugins resumed from their persisted files: nothing was added to them again. */
    void assertPluginsResumed() {
        StoreTestSupport.await(
                () -> store.describe("docs").index().status() == IndexStatus.READY
                        && store.describe("docs").textIndex() != null
                        && store.describe("docs").textIndex().status() == IndexStatus.READY,
                "the indexes of docs");
        StoredCollection docs = store.collection("docs");
        TestIndexFactory.TestIndex docsIndex =
                (TestIndexFactory.TestIndex) docs.index.view().index();
        assertEquals(LegacyDataFixtures.DOCS, docsIndex.restored, "the index resumed from its file");
        assertEquals(0, docsIndex.adds.get(), "and was not rebuilt");
        assertEquals(LegacyDataFixtures.DOCS - 1, docsIndex.size());
        TestTextIndexFactory.WordsIndex docsText =
                (TestTextIndexFactory.WordsIndex) docs.text.view().index();
        assertEquals(LegacyDataFixtures.DOCS, docsText.restored, "the text index resumed from its file");
        assertEquals(0, docsText.adds.get(), "and was not rebuilt");
    }

    @Test
    void aDataDirectoryFromBeforeTenantsOpensWithEverythingInTheDefaultTenant() throws Exception {
        copyFixture();
        start(FileLayer.DISK);
        assertUpgradedLayout();
        assertPluginsResumed();
        assertEverythingIsThere();

        // it is an ordinary data directory now: writes are durable, and a restart changes nothing
        store.upsert("points", List.of(new VectorRecord("p6", new float[] {6, 3, -6}, Map.of(), null, List.of())));
        store.forTenant("acme").createCollection(TenancyTest.docs(2));
        restart(FileLayer.DISK);
        assertEquals(Set.of("acme", "default", "default/default", "default/docs", "default/points"), layout());
        assertEquals(6, store.count("points"));
        assertEquals(
                List.of("acme", "default"),
                List.copyOf(store.collectionsByTenant().keySet()));
        store.upsert("points", List.of(new VectorRecord("p6", new float[] {6, 3, -6}, Map.of(), null, List.of())));
    }

    @Test
    void aMoveThatACrashStoppedBetweenTheTwoRenamesOfCollectionDefaultIsFinished() throws Exception {
        copyFixture();
        // the crash came right after collections/default was renamed aside: nothing else had moved
        Files.move(root.resolve("default"), root.resolve(LegacyLayoutUpgrade.STAGING));
        start(FileLayer.DISK);
        assertUpgradedLayout();
        assertPluginsResumed();
        assertEverythingIsThere();
    }

    @Test
    void aMoveThatACrashStoppedAfterSomeCollectionsIsFinished() throws Exception {
        copyFixture();
        // the crash came after 'default' and 'docs' had moved, before 'points' did
        Files.move(root.resolve("default"), root.resolve(LegacyLayoutUpgrade.STAGING));
        Files.createDirectories(root.resolve("default"));
        Files.move(root.resolve(LegacyLayoutUpgrade.STAGING), root.resolve("default/default"));
        Files.move(root.resolve("docs"), root.resolve("default/docs"));
        assertEquals(Set.of("default", "default/default", "default/docs", "points"), layout());
        start(FileLayer.DISK);
        assertUpgradedLayout();
        assertPluginsResumed();
        assertEverythingIsThere();
    }

    @Test
    void aMoveThatFailsLeavesTheCollectionServedFromItsOldPlaceAndTheNextStartMovesIt() throws Exception {
        copyFixture();
        // the disk refuses the move of 'points' (its own rename): the others move, it stays and is served
        FileLayer failing = new DiskWith() {
            @Override
            public void rename(Path from, Path to) throws IOException {
                if (from.getFileName().toString().equals("points")) {
                    throw new IOException("Input/output error");
                }
                FileLayer.DISK.rename(from, to);
            }
        };
        start(failing);
        assertEquals(Set.of("default", "default/default", "default/docs", "points"), layout());
        assertPluginsResumed();
        assertEverythingIsThere();
        store.upsert("points", List.of(new VectorRecord("p6", new float[] {6, 3, -6}, Map.of(), null, List.of())));
        assertTrue(store.dropCollection("default"), "a drop of a moved one works");
        store.createCollection(new CollectionSpec("default", 2, Metric.DOT, null, IndexSpec.FLAT_SPEC));

        restart(FileLayer.DISK);
        assertEquals(Set.of("default", "default/default", "default/docs", "default/points"), layout());
        assertEquals(6, store.count("points"), "the record written at its old place moved with it");
        assertEquals(0, store.count("default"));
    }

    @Test
    void aReadOnlyDataDirectoryIsServedWhereItIsUntilAStartCanMoveIt() throws Exception {
        copyFixture();
        FaultyDisk disk = new FaultyDisk(dataDir);
        try {
            disk.makeReadOnly();
            start(disk);
            assertEquals(Set.of("default", "docs", "points"), layout(), "nothing could move");
            assertPluginsResumed(); // waits for the indexes to load before searching them
            assertEverythingIsThere();
            assertThrows(
                    StorageFailureException.class,
                    () -> store.upsert(
                            "points", List.of(new VectorRecord("p6", new float[] {6, 3, -6}, null, null, null))));

            // the disk takes writes again: the collections do, where they are; the default tenant's folder is still
            // the collection 'default', so nothing can be created in it before a start moves that collection
            disk.free();
            store.probeStorage();
            store.upsert("points", List.of(new VectorRecord("p6", new float[] {6, 3, -6}, null, null, null)));
            VectorException refused = assertThrows(VectorException.class, () -> store.createCollection(fresh()));
            assertTrue(refused.getMessage().contains("until the store restarts"), refused.getMessage());
            store.forTenant("acme").createCollection(TenancyTest.docs(2));

            restart(disk);
            assertEquals(Set.of("acme", "default", "default/default", "default/docs", "default/points"), layout());
            assertEquals(6, store.count("points"));
            store.createCollection(fresh());
        } finally {
            disk.free();
            store.stop();
            store = null;
            disk.unregister();
        }
    }

    /** The real disk, for a test to override one operation of. */
    abstract static class DiskWith implements FileLayer {
        @Override
        public String storeFileName(Path file) {
            return FileLayer.DISK.storeFileName(file);
        }

        @Override
        public FileChannel openVectorFile(Path file, boolean writable) throws IOException {
            return FileLayer.DISK.openVectorFile(file, writable);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            FileLayer.DISK.rename(from, to);
        }

        @Override
        public void probeWritable(Path directory) throws IOException {
            FileLayer.DISK.probeWritable(directory);
        }
    }

    static CollectionSpec fresh() {
        return new CollectionSpec("fresh", 2, Metric.L2, null, IndexSpec.FLAT_SPEC);
    }

    static List<String> names(List<CollectionInfo> infos) {
        return infos.stream().map(i -> i.spec().name()).toList();
    }

    static Set<String> ids(SearchResult r) {
        Set<String> out = new TreeSet<>();
        for (SearchHit h : r.hits()) {
            out.add(h.id());
        }
        return out;
    }
}
