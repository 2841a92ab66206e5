package dev.caracal.vector.index.lsh.internal;

import dev.caracal.vector.index.testkit.StoreRoundTrip;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lsh plugin bound to the real store: built in the background, READY, serving; gone: DEGRADED and flat. */
class StoreIntegrationTest {
    @TempDir
    Path dataDir;

    @Test
    void theStoreBuildsAndServesTheLshIndex() throws Exception {
        StoreRoundTrip.run(dataDir, new LshIndexFactory(), "lsh", 32, 0.9);
    }
}
