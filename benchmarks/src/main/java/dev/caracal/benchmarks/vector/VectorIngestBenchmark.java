package dev.caracal.benchmarks.vector;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Ingestion into a durable collection: random vectors supplied in batches, every upsert acknowledged only once
 * committed and fsynced. A JMH single-shot benchmark: each iteration ingests all records into a new, empty store,
 * with 1 writer thread, then with several (group commit shares the fsync), each writer count in its own JVM fork
 * after one warm-up iteration.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx4g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *   dev.caracal.benchmarks.vector.VectorIngestBenchmark [records=200000] [dim=384] [batch=1000] [writers=1,2,4] \
 *   [dir=a temporary directory] [iterations=3]
 * </pre>
 */
public class VectorIngestBenchmark {
    private static final String COLLECTION = "ingest";

    /** The records, generated once per fork, in batches. */
    @State(Scope.Benchmark)
    public static class Batches {
        @Param("200000")
        public int records;

        @Param("384")
        public int dim;

        @Param("1000")
        public int batch;

        List<List<VectorRecord>> batches;

        @Setup
        public void generate() {
            batches = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(42);
            for (int from = 0; from < records; from += batch) {
                List<VectorRecord> b = new ArrayList<>(batch);
                for (int i = from; i < Math.min(records, from + batch); i++) {
                    float[] v = new float[dim];
                    for (int d = 0; d < dim; d++) {
                        v[d] = (float) (random.nextDouble() * 2 - 1);
                    }
                    b.add(new VectorRecord("doc-" + i, v, Map.of("n", i), null, null));
                }
                batches.add(b);
            }
        }
    }

    /** A new store with an empty collection for every iteration; the writers share its batch counter. */
    @State(Scope.Benchmark)
    public static class EmptyStore {
        /** Where stores are created; empty for a temporary directory. */
        @Param("")
        public String dir;

        Path directory;
        VectorStoreComponent store;
        final AtomicInteger nextBatch = new AtomicInteger();

        @Setup(Level.Iteration)
        public void open(Batches batches) throws Exception {
            directory = dir.isEmpty()
                    ? Files.createTempDirectory("caracal-ingest")
                    : Files.createDirectories(Path.of(dir)).resolve("ingest-" + System.nanoTime());
            store = VectorStoreComponent.standalone(StoreSettings.defaults(directory));
            store.createCollection(
                    new CollectionSpec(COLLECTION, batches.dim, Metric.COSINE, null, IndexSpec.FLAT_SPEC));
            nextBatch.set(0);
        }

        @TearDown(Level.Iteration)
        public void close(Batches batches) throws Exception {
            try {
                long count = store.count(COLLECTION);
                if (count != batches.records) {
                    throw new IllegalStateException(count + " records stored, " + batches.records + " sent");
                }
                long bytes = Files.size(directory.resolve("collections/default/ingest/records.mv.db"))
                        + Files.size(directory.resolve("collections/default/ingest/vectors.f32"));
                System.out.printf("(%,d records stored, files %,d MB) ", count, bytes >> 20);
            } finally {
                store.stop();
                Stores.deleteRecursively(directory);
            }
        }
    }

    /** One writer thread's share: it upserts batches until none is left. */
    @Benchmark
    public int ingest(Batches batches, EmptyStore store) {
        int written = 0;
        for (int b = store.nextBatch.getAndIncrement();
                b < batches.batches.size();
                b = store.nextBatch.getAndIncrement()) {
            store.store.upsert(COLLECTION, batches.batches.get(b));
            written++;
        }
        return written;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> params = Map.of(
                "records", args.length > 0 ? args[0] : "200000",
                "dim", args.length > 1 ? args[1] : "384",
                "batch", args.length > 2 ? args[2] : "1000",
                "dir", args.length > 4 ? args[4] : "");
        String[] writerCounts = (args.length > 3 ? args[3] : "1,2,4").split(",");
        int iterations = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        int records = Integer.parseInt(params.get("records"));
        int dim = Integer.parseInt(params.get("dim"));
        List<String> lines = new ArrayList<>();
        for (String w : writerCounts) {
            int writers = Integer.parseInt(w.trim());
            Jmh.Score s = Jmh.singleShot(VectorIngestBenchmark.class, "ingest", writers, params, 1, iterations)
                    .get(0);
            double seconds = s.score();
            lines.add(String.format(
                    "writers=%d  records=%,d  batch=%s  dim=%d  time=%.2f s ± %.2f  ->  %,.0f records/s  (%.0f MB/s of"
                            + " vectors)",
                    writers,
                    records,
                    params.get("batch"),
                    dim,
                    seconds,
                    s.error(),
                    records / seconds,
                    records * dim * 4.0 / seconds / 1e6));
        }
        System.out.println();
        lines.forEach(System.out::println);
    }
}
