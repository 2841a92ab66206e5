package dev.caracal.benchmarks.ann;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A {@link Contender} of the sweep harness run in this JVM: every build makes a fresh contender in a fresh directory
 * (the previous one is closed and its files deleted first), and a run calls {@link Contender#search} for every query
 * on the calling thread, timed by {@link System#nanoTime} around the passes and by the thread's CPU clock.
 */
final class JvmPeer implements Peer {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String name;
    private final String knobName;
    private final String description;
    private final int efConstruction;
    private final Function<Path, Contender> factory;
    private final Path root;
    private final float[][] base;
    private final float[][] queries;
    private Contender current;
    private Path dir;
    private int builds;

    JvmPeer(
            String name,
            String knobName,
            String description,
            int efConstruction,
            Function<Path, Contender> factory,
            Path root,
            float[][] base,
            float[][] queries) {
        this.name = name;
        this.knobName = knobName;
        this.description = description;
        this.efConstruction = efConstruction;
        this.factory = factory;
        this.root = root;
        this.base = base;
        this.queries = queries;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String knobName() {
        return knobName;
    }

    @Override
    public int efConstruction() {
        return efConstruction;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Build build() throws Exception {
        release();
        dir = root.resolve(name + "-" + (++builds));
        current = factory.apply(dir);
        System.gc();
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        current.build(base);
        long wall = System.nanoTime() - t0;
        long cpu = THREADS.getCurrentThreadCpuTime() - c0;
        return new Build(wall / 1e9, cpu / 1e9, current.bytes());
    }

    @Override
    public Sample run(int knob, int k, long minNanos) throws Exception {
        int n = queries.length;
        int[] ids = new int[n * k];
        long done = 0;
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long elapsed;
        do { // whole passes; the ids of the last pass are kept
            Arrays.fill(ids, -1);
            for (int q = 0; q < n; q++) {
                int[] r = current.search(queries[q], k, knob, null, 0);
                System.arraycopy(r, 0, ids, q * k, Math.min(k, r.length));
            }
            done += n;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < minNanos);
        long cpu = THREADS.getCurrentThreadCpuTime() - c0;
        return new Sample(done, elapsed / 1e9, cpu / 1e9, ids);
    }

    private void release() throws Exception {
        if (current != null) {
            current.close();
            current = null;
        }
        if (dir != null && Files.exists(dir)) {
            AnnBenchmark.deleteTree(dir);
        }
    }

    @Override
    public void close() throws Exception {
        release();
    }
}
