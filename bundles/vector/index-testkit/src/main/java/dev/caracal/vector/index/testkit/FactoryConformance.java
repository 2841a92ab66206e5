package dev.caracal.vector.index.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The factory: its type, its parameters, the metrics it reports and serves. */
public interface FactoryConformance extends ConformanceCases {

    @Test
    default void theFactoryNamesItsTypeAndFillsInItsParameters() {
        VectorIndexFactory factory = fixture().plugin().factory();
        assertFalse(factory.type() == null || factory.type().isBlank(), "a type name");
        Map<String, Object> build =
                factory.validateBuildParams(fixture().plugin().buildParams());
        assertNotNull(build);
        // the store validates at creation, keeps the result, and the index is opened with it (again after restarts)
        assertEquals(build, factory.validateBuildParams(build), "validating validated build parameters changes them");
        Map<String, Object> query = factory.validateQueryParams(Map.of());
        assertNotNull(query);
        assertEquals(query, factory.validateQueryParams(null), "no query parameters: null or empty alike");
    }

    @Test
    default void unknownParametersAreRefusedByName() {
        VectorIndexFactory factory = fixture().plugin().factory();
        InvalidRequestException build = assertThrows(
                InvalidRequestException.class, () -> factory.validateBuildParams(Map.of("noSuchParameter", 1)));
        assertEquals("index.noSuchParameter", build.field(), build.getMessage());
        assertTrue(build.getMessage().contains("noSuchParameter"), build.getMessage());
        InvalidRequestException query = assertThrows(
                InvalidRequestException.class, () -> factory.validateQueryParams(Map.of("noSuchParameter", 1)));
        assertEquals("params.noSuchParameter", query.field(), query.getMessage());
        assertTrue(query.getMessage().contains("noSuchParameter"), query.getMessage());
    }

    /**
     * {@code supports} answers what the plugin declares; an index opened for a metric it does not serve refuses it,
     * naming it and the index type, rather than mis-score (the store asks {@code supports} first, but a wrong answer must not go
     * unnoticed).
     */
    @Test
    default void reportsAndServesExactlyTheDeclaredMetrics() {
        VectorIndexFactory factory = fixture().plugin().factory();
        IndexCapabilities declared = fixture().capabilities();
        IndexTestData.Source source = IndexTestData.Source.of(new float[][] {{0, 1, 0, 1}, {1, 1, 0, 0}});
        for (Metric metric : Metric.values()) {
            assertEquals(declared.reportedMetrics().contains(metric), factory.supports(metric), metric.id());
            if (declared.serves(metric)) {
                VectorIndex index = fixture().open(metric, source, null);
                index.add(0, null);
                assertEquals(1, index.size(), metric.id());
                index.close();
                continue;
            }
            RuntimeException e = assertThrows(
                    RuntimeException.class,
                    () -> fixture().open(metric, source, null).close(),
                    factory.type() + " opened for " + metric.id());
            assertTrue(
                    e instanceof IllegalArgumentException || e instanceof InvalidRequestException,
                    () -> "a clear error, not " + e);
            assertTrue(
                    e.getMessage().contains(metric.id()) && e.getMessage().contains(factory.type()),
                    () -> "names the metric and the index type: " + e.getMessage());
        }
    }
}
