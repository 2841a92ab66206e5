package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.index.testkit.StoreRoundTrip;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ivf plugin bound to the real store: built in the background, READY, serving; gone: DEGRADED and flat. */
class StoreIntegrationTest {
    @TempDir
    Path dataDir;

    @Test
    void theStoreBuildsAndServesTheIvfIndex() throws Exception {
        StoreRoundTrip.run(dataDir, new IvfIndexFactory(), "ivf", 32, 0.9);
    }
}
