package dev.caracal.benchmarks.vector;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Ingestion into a durable collection: random vectors supplied in batches, every upsert acknowledged only once
 * committed and fsynced. Runs with 1 writer thread, then with several (group commit shares the fsync).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   dev.caracal.benchmarks.vector.VectorIngestBenchmark [records=200000] [dim=384] [batch=1000] [writers=1,2,4] [dir]
 * </pre>
 */
public final class VectorIngestBenchmark {

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        String[] writerCounts = (args.length > 3 ? args[3] : "1,2,4").split(",");
        Path base = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("caracal-ingest");

        System.out.printf("Generating %,d random %d-d vectors...%n", records, dim);
        List<List<VectorRecord>> batches = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int from = 0; from < records; from += batchSize) {
            List<VectorRecord> batch = new ArrayList<>(batchSize);
            for (int i = from; i < Math.min(records, from + batchSize); i++) {
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) (random.nextDouble() * 2 - 1);
                }
                batch.add(new VectorRecord("doc-" + i, v, Map.of("n", i), null, null));
            }
            batches.add(batch);
        }

        for (String w : writerCounts) {
            int writers = Integer.parseInt(w.trim());
            Path dir = base.resolve("writers-" + writers);
            deleteRecursively(dir);
            VectorStoreComponent store = VectorStoreComponent.standalone(StoreSettings.defaults(dir));
            try {
                store.createCollection(new CollectionSpec("ingest", dim, Metric.COSINE, null, IndexSpec.FLAT_SPEC));
                AtomicInteger next = new AtomicInteger();
                long t0 = System.nanoTime();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < writers; t++) {
                    Thread th = new Thread(() -> {
                        int b;
                        while ((b = next.getAndIncrement()) < batches.size()) {
                            store.upsert("ingest", batches.get(b));
                        }
                    });
                    th.start();
                    threads.add(th);
                }
                for (Thread th : threads) {
                    th.join();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long count = store.count("ingest");
                long bytes = Files.size(dir.resolve("collections/ingest/records.mv.db"))
                        + Files.size(dir.resolve("collections/ingest/vectors.f32"));
                System.out.printf(
                        "writers=%d  records=%,d  batch=%d  dim=%d  time=%.2f s  ->  %,.0f records/s  "
                                + "(%.0f MB/s of vectors; files %,d MB)%n",
                        writers,
                        count,
                        batchSize,
                        dim,
                        seconds,
                        count / seconds,
                        count * dim * 4.0 / seconds / 1e6,
                        bytes >> 20);
            } finally {
                store.stop();
            }
            deleteRecursively(dir);
            System.gc(); // the next run starts without this one's garbage
            Thread.sleep(2000);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
