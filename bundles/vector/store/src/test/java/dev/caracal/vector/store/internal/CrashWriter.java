package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Edge;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Run in a forked JVM by {@link DurabilityTest}: writes batches from several threads forever, printing
 * {@code ACK thread batch} once each upsert returned, until the test kills the process with SIGKILL.
 */
public final class CrashWriter {
    static final int DIM = 24;
    static final int BATCH = 100;
    static final int THREADS = 3;

    public static void main(String[] args) throws Exception {
        VectorStoreComponent store = VectorStoreComponent.standalone(StoreSettings.defaults(Path.of(args[0])));
        store.createCollection(new CollectionSpec("crash", DIM, Metric.L2, null, IndexSpec.FLAT_SPEC));
        PrintStream out = System.out;
        out.println("READY");
        out.flush();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread th = new Thread(() -> {
                for (int b = 0; ; b++) {
                    store.upsert("crash", batch(thread, b));
                    synchronized (out) {
                        out.println("ACK " + thread + " " + b);
                        out.flush();
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
    }

    static List<VectorRecord> batch(int thread, int b) {
        List<VectorRecord> records = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            records.add(record(thread, b, i));
        }
        return records;
    }

    static VectorRecord record(int thread, int b, int i) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = thread * 1000 + b + i * 0.001f + d;
        }
        return new VectorRecord(
                id(thread, b, i),
                v,
                Map.of("thread", thread, "batch", b, "i", i),
                "record " + i + " of batch " + b,
                List.of(new Edge(id(thread, b, (i + 1) % BATCH), "next", i)));
    }

    static String id(int thread, int b, int i) {
        return "t" + thread + "-b" + b + "-" + i;
    }
}
