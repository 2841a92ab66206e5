package dev.caracal.vector.index.testkit;

/**
 * A group of conformance cases. {@link IndexConformanceTest} runs every group for a plugin; each group is an
 * interface of default test methods, so that a plugin's test may also run a chosen few.
 */
public interface ConformanceCases {
    /** The plugin under test, its data and its shared indexes. */
    ConformanceFixture fixture();
}
