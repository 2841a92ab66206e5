package dev.caracal.vector.index;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import java.nio.file.Path;

/**
 * What an index gets from the store: the collection, its metric and index spec, its vectors, and a directory where
 * the index may persist itself (to reload instead of rebuild after a restart).
 */
public record IndexContext(String collection, Metric metric, IndexSpec spec, VectorSource vectors, Path directory) {}
