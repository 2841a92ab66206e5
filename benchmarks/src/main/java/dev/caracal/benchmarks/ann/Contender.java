package dev.caracal.benchmarks.ann;

import java.util.BitSet;

/** One index under test: built once from the base vectors, then searched at several values of its knob. */
interface Contender extends AutoCloseable {
    String name();

    /** What the knob means (ef, nprobe, numCandidates, ...). */
    String knobName();

    int[] knobs();

    /** Builds the index from all base vectors (on the calling thread unless the contender says otherwise). */
    void build(float[][] base) throws Exception;

    /** The best {@code k} base ordinals for {@code query}; {@code filter} (may be null) holds the accepted ones. */
    int[] search(float[] query, int k, int knob, BitSet filter, int filterCount) throws Exception;

    boolean supportsFilter();

    /** Knob values for the filtered runs (1 thread): a moderate and a generous one. */
    default int[] filterKnobs() {
        return knobName().equals("nprobe") ? new int[] {16, 64} : new int[] {64, 256};
    }

    /** Bytes the index occupies (memory, or for Lucene the on-disk vector and graph files). */
    long bytes();

    /** Bytes a search touches, when less than {@link #bytes()} (quantized formats); else the same. */
    default long hotBytes() {
        return bytes();
    }

    /** A note for the report (build threads, how bytes were measured, ...). */
    default String note() {
        return "";
    }

    @Override
    default void close() throws Exception {}
}
