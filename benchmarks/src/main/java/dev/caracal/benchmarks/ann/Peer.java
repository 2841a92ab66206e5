package dev.caracal.benchmarks.ann;

/**
 * A contender of the interleaved harness ({@link InterleavedBenchmark}): it builds its index again on demand (the
 * new index replaces the old, which is released first) and runs whole passes over the query set at one knob on one
 * thread for at least a given time, timing only its query loop. A JVM contender runs in this process
 * ({@link JvmPeer}); a native one in its own process ({@link NativePeer}).
 */
interface Peer extends AutoCloseable {
    String name();

    /** What the knob means (ef, numCandidates, efSearch). */
    String knobName();

    /** The build parameter efConstruction (Lucene: beamWidth). */
    int efConstruction();

    /** One line for the report: library, version, build parameters, how it is driven. */
    String describe();

    /** Builds a new index over every base vector on one thread. */
    Build build() throws Exception;

    /** Whole passes over every query at {@code knob} until {@code minNanos} have passed; the ids of the last pass. */
    Sample run(int knob, int k, long minNanos) throws Exception;

    /** A build: wall and thread CPU time of the build inside the contender, and the index size (0 when unknown). */
    record Build(double seconds, double cpuSeconds, long bytes) {}

    /**
     * A measured point: how many queries were answered in {@code seconds} of wall time (the query loop only) and the
     * CPU time of the thread that ran them; {@code ids} holds k per query from the last pass, -1 padded.
     */
    record Sample(long queries, double seconds, double cpuSeconds, int[] ids) {
        double qps() {
            return queries / seconds;
        }
    }

    @Override
    default void close() throws Exception {}
}
