package dev.caracal.vector.index.lsh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to lsh: exact scans below the hashing threshold, and its parameters (the rest: conformance). */
class LshIndexTest {
    static final int DIM = 64;
    final LshIndexFactory factory = new LshIndexFactory();

    @TempDir
    Path dir;

    @Test
    void smallIndexesScanExactly() {
        float[][] data = IndexTestData.clustered(new Random(8), 500, DIM, 200, 0);
        IndexTestData.Source source = new IndexTestData.Source(DIM);
        LshIndex index = IndexTestData.openIndex(factory, Metric.DOT, source, Map.of(), dir);
        for (int i = 0; i < data.length; i++) {
            source.put(i, data[i]);
            index.add(i, data[i]);
        }
        assertTrue(!index.hashed());
        for (int i = 0; i < 20; i++) {
            assertEquals(
                    GroundTruth.recall(
                            GroundTruth.bruteForce(source, Metric.DOT, data[i], 10, null),
                            index.search(data[i], 10, null, Map.of())),
                    1.0);
        }
    }

    static void assertField(String field, Executable call) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, call);
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void parametersAreValidatedAndNamed() {
        assertEquals(Map.of("tables", 8, "bits", "auto", "width", "auto"), factory.validateBuildParams(Map.of()));
        assertEquals(
                Map.of("tables", 4, "bits", 20, "width", 2.5),
                factory.validateBuildParams(Map.of("tables", 4L, "bits", 20.0, "width", 2.5)));
        assertField("index.tables", () -> factory.validateBuildParams(Map.of("tables", 0L)));
        assertField("index.tables", () -> factory.validateBuildParams(Map.of("tables", 65L)));
        assertField("index.bits", () -> factory.validateBuildParams(Map.of("bits", 3L)));
        assertField("index.bits", () -> factory.validateBuildParams(Map.of("bits", 33L)));
        assertField("index.bits", () -> factory.validateBuildParams(Map.of("bits", 12.5)));
        assertField("index.width", () -> factory.validateBuildParams(Map.of("width", 0)));
        assertField("index.width", () -> factory.validateBuildParams(Map.of("width", "wide")));
        assertField("index.probes", () -> factory.validateBuildParams(Map.of("probes", 4L)));
        InvalidRequestException e =
                assertThrows(InvalidRequestException.class, () -> factory.validateBuildParams(Map.of("nlist", 4L)));
        assertTrue(e.getMessage().contains("nlist") && e.getMessage().contains("tables, bits, width"), e.getMessage());

        assertEquals(Map.of(), factory.validateQueryParams(null));
        assertEquals(Map.of("probes", 64), factory.validateQueryParams(Map.of("probes", 1000L)));
        assertEquals(Map.of("probes", 0), factory.validateQueryParams(new HashMap<>(Map.of("probes", 0L))));
        assertField("params.probes", () -> factory.validateQueryParams(Map.of("probes", -1L)));
        assertField("params.probes", () -> factory.validateQueryParams(Map.of("probes", 1.5)));
        assertField("params.probes", () -> factory.validateQueryParams(Map.of("probes", "3")));
        assertField("params.ef", () -> factory.validateQueryParams(Map.of("ef", 3L)));
    }
}
