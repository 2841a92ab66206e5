package dev.caracal.vector.index.kdtree.internal;

import dev.caracal.vector.index.testkit.StoreRoundTrip;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kdtree plugin bound to the real store: built in the background, READY, serving; gone: DEGRADED and flat. */
class StoreIntegrationTest {
    @TempDir
    Path dataDir;

    @Test
    void theStoreBuildsAndServesTheKdTreeIndex() throws Exception {
        StoreRoundTrip.run(dataDir, new KdTreeIndexFactory(), "kdtree", 8, 1.0);
    }
}
