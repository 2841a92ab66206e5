package dev.caracal.vector.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vector:index and vector:rebuild against a real store, with a held test index plugin to observe BUILDING. */
class IndexCommandsTest {
    @TempDir
    Path dir;

    VectorStoreComponent store;
    /** One latch per opened index: its adds (and so its build) wait until the test releases it. */
    final List<CountDownLatch> gates = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** An index of type {@code held} whose adds wait until the test releases its gate. */
    final VectorIndexFactory held = new VectorIndexFactory() {
        @Override
        public String type() {
            return "held";
        }

        @Override
        public Map<String, Object> validateBuildParams(Map<String, Object> params) {
            Object m = params.getOrDefault("m", 16L);
            if (!(m instanceof Long)) {
                throw new InvalidRequestException("index.m", "m must be an integer");
            }
            Map<String, Object> out = new HashMap<>(params);
            out.put("m", m);
            return out;
        }

        @Override
        public Map<String, Object> validateQueryParams(Map<String, Object> params) {
            return params;
        }

        @Override
        public VectorIndex open(IndexContext context) {
            CountDownLatch gate = new CountDownLatch(1);
            gates.add(gate);
            return new VectorIndex() {
                @Override
                public void add(int ordinal, float[] vector) {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void remove(int ordinal) {}

                @Override
                public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> p) {
                    return null; // the store answers by exact scan
                }

                @Override
                public int size() {
                    return 0;
                }

                @Override
                public long memoryBytes() {
                    return 0;
                }

                @Override
                public void close() {}
            };
        }
    };

    @BeforeEach
    void start() {
        store = VectorStoreComponent.standalone(new StoreSettings(dir, 2, 100, 100, 100, 1, 1));
        store.bindIndexFactory(held, Map.of(VectorIndexFactory.TYPE_PROPERTY, "held"));
        store.createCollection(new CollectionSpec("docs", 2, Metric.L2, null, IndexSpec.FLAT_SPEC));
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(new VectorRecord("r" + i, new float[] {i, 1}, Map.of(), null, null));
        }
        store.upsert("docs", records);
    }

    void releaseAll() {
        gates.forEach(CountDownLatch::countDown);
    }

    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (store.describe("docs").index().status() != IndexStatus.READY) {
            assertTrue(System.nanoTime() < deadline, "READY in time");
            Thread.sleep(5);
        }
    }

    @AfterEach
    void stop() {
        releaseAll();
        store.stop();
    }

    /**
     * Runs a command; returns what it printed to stdout, to stderr, and what the console shows for its failure (the
     * {@link CommandException} it threw, which also makes {@code bin/client -b} exit non-zero), or "" when it
     * succeeded.
     */
    String[] run(VectorCommandSupport command) throws Exception {
        command.store = store;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        String failure = "";
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            command.execute();
        } catch (CommandException thrown) {
            failure = thrown.getNiceHelp();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8), failure};
    }

    /** The lines of captured stderr not logged by the store's background threads ({@code [caracal-...]}). */
    static String ownLines(String stderr) {
        return stderr.lines()
                .filter(l -> !l.startsWith("[caracal-"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    IndexCommand index(String type, String... params) {
        IndexCommand c = new IndexCommand();
        c.name = "docs";
        c.type = type;
        c.params = params.length == 0 ? null : List.of(params);
        return c;
    }

    @Test
    void paramValuesAreLongDoubleBooleanOrString() {
        assertEquals(
                Map.of("m", 16L, "r", 0.5, "q", true, "mode", "fast", "e", ""),
                IndexCommand.parseParams(List.of("m=16", "r=0.5", "q=TRUE", "mode=fast", "e=")));
        assertEquals("a=b", IndexCommand.parseValue("a=b"));
        assertEquals("NaN", IndexCommand.parseValue("NaN"));
        assertEquals(-3L, IndexCommand.parseValue("-3"));
        assertEquals(Map.of(), IndexCommand.parseParams(null));
        assertEquals(
                "-p",
                assertThrows(InvalidRequestException.class, () -> IndexCommand.parseParams(List.of("m16")))
                        .field());
    }

    @Test
    void infoRendersTheBuildProgress() {
        assertEquals(
                "building 42% (hnsw), exact scan meanwhile",
                InfoCommand.indexState(new IndexState("hnsw", IndexStatus.BUILDING, 0.427, "m")));
        assertEquals(
                "ready, served by hnsw", InfoCommand.indexState(new IndexState("hnsw", IndexStatus.READY, 1, null)));
        assertEquals(
                "degraded (hnsw), exact scan",
                InfoCommand.indexState(new IndexState("hnsw", IndexStatus.DEGRADED, 1, "absent")));
    }

    @Test
    void rebuildingAnIndexWhosePluginLeftIsAFailure() throws Exception {
        run(index("held"));
        releaseAll();
        awaitReady();
        store.unbindIndexFactory(held, Map.of(VectorIndexFactory.TYPE_PROPERTY, "held"));
        assertEquals(IndexStatus.DEGRADED, store.describe("docs").index().status());
        String[] r = run(new RebuildCommand() {
            {
                name = "docs";
            }
        });
        assertTrue(r[2].startsWith("Error: cannot rebuild the held index of 'docs': "), r[2]);
        assertTrue(r[2].endsWith("; install the held index plugin (it is then rebuilt)"), r[2]);
        // nothing printed by the command (a log line of an earlier build's thread may still land on stderr)
        assertEquals("", r[0] + ownLines(r[1]));
    }

    @Test
    void changeRebuildAndDropTheIndex() throws Exception {
        String[] r = run(index("held", "m=8"));
        assertEquals(
                "Building held index for 'docs' in the background; vector:info docs shows progress", r[0].trim(), r[1]);
        assertEquals(Map.of("m", 8L), store.describe("docs").spec().index().params());
        assertEquals(IndexStatus.BUILDING, store.describe("docs").index().status());
        InfoCommand info = new InfoCommand();
        info.name = "docs";
        r = run(info);
        assertTrue(r[0].contains("building 0% (held), exact scan meanwhile"), r[0]);
        releaseAll(); // a build holds the collection's publish lock while it adds: let it finish first
        awaitReady();

        r = run(new RebuildCommand() {
            {
                name = "docs";
            }
        });
        assertEquals(
                "Rebuilding held index for 'docs' in the background; vector:info docs shows progress",
                r[0].trim(),
                r[1]);
        assertEquals(2, gates.size());
        releaseAll();
        awaitReady();

        r = run(index("nope"));
        assertTrue(r[2].startsWith("Error: index.type: unknown index type 'nope'; available: flat, held"), r[2]);
        // nothing printed by the command (a log line of an earlier build's thread may still land on stderr)
        assertEquals("", r[0] + ownLines(r[1]));
        r = run(index("held", "m=x"));
        assertTrue(r[2].startsWith("Error: index.m: "), r[2]);

        r = run(index("flat"));
        assertEquals("Dropped the held index of 'docs'; searches use an exact scan (flat)", r[0].trim(), r[1]);
        assertEquals(IndexStatus.READY, store.describe("docs").index().status());
        r = run(new RebuildCommand() {
            {
                name = "docs";
            }
        });
        assertTrue(r[0].startsWith("Collection 'docs' has no index to rebuild"), r[0]);
        IndexCommand missing = index("flat");
        missing.name = "none";
        r = run(missing);
        assertTrue(r[2].contains("vector:list"), r[2]);
    }
}
