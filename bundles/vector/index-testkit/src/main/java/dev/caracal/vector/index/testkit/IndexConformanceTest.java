package dev.caracal.vector.index.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caracal.vector.Metric;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cases every index plugin must pass, derived from the {@link dev.caracal.vector.index.VectorIndex} contract (as
 * Lucene's {@code BaseKnnVectorsFormatTestCase} does for its vector formats). A plugin's test extends it, supplies its
 * factory and declares its {@link IndexCapabilities}; cases for what it declares it does not do are skipped with the
 * reason. The groups of cases:
 *
 * <ul>
 *   <li>{@link FactoryConformance}: type, parameters, metrics reported and served;
 *   <li>{@link LifecycleConformance}: size and memory, bad input, close;
 *   <li>{@link SearchConformance}: k, order, exact scores and recall on every served metric, vectors from the source;
 *   <li>{@link FilterConformance}: only accepted ordinals, k of them, filtered recall;
 *   <li>{@link RemovalConformance}: removed ordinals never come back unless re-added;
 *   <li>{@link PersistenceConformance} and {@link DamagedFileConformance}: {@code persist(covered)},
 *       {@code restoredOrdinals()}, the store's catch-up, damaged files;
 *   <li>{@link ConcurrencyConformance}: concurrent adds, removes and searches lose nothing;
 *   <li>and the plugin inside the real store ({@link StoreRoundTrip}).
 * </ul>
 *
 * <p>One instance serves all the cases of a plugin, so the indexes built over the whole conformance data are built
 * once and shared by the cases that only search.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class IndexConformanceTest
        implements IndexUnderTest,
                FactoryConformance,
                LifecycleConformance,
                SearchConformance,
                FilterConformance,
                RemovalConformance,
                PersistenceConformance,
                DamagedFileConformance,
                ConcurrencyConformance {

    private final ConformanceFixture fixture = new ConformanceFixture(this);

    @Override
    public final ConformanceFixture fixture() {
        return fixture;
    }

    @AfterAll
    void closeSharedIndexes() {
        fixture.close();
    }

    /** Cosine collections of 10,000 vectors in the real store; the declared cosine recall through the store. */
    @Test
    void servesACollectionInsideTheStore(@TempDir Path dataDir) throws InterruptedException {
        assumeTrue(capabilities().serves(Metric.COSINE), "the store round trip uses a cosine collection");
        StoreRoundTrip.run(
                dataDir,
                factory(),
                factory().type(),
                dimension(),
                capabilities().recall(),
                buildParams());
    }
}
