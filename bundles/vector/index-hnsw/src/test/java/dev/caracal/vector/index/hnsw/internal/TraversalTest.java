package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each class of query runs its own hidden copy of the search loops, so the JIT profiles them apart. */
class TraversalTest {
    private static VectorScorer scorer(Metric metric, Map<String, Object> params) {
        float[][] vectors = IndexTestData.forMetric(IndexTestData.uniform(new Random(1), 10, 8), metric);
        return VectorScorer.create(
                IndexTestData.context(new HnswIndexFactory(), metric, IndexTestData.Source.of(vectors), params, null),
                HnswParams.parse(params),
                new HnswGraph(8));
    }

    @Test
    void eachQueryClassHasItsOwnHiddenCopyOfTheLoops() {
        VectorScorer l2 = scorer(Metric.L2, Map.of());
        VectorScorer dot = scorer(Metric.DOT, Map.of());
        VectorScorer int8 = scorer(Metric.L2, Map.of("quantization", "int8"));
        Traversal floatL2 = l2.newQuery(l2.searchSimilarity).traversal;
        Traversal floatDot = dot.newQuery(dot.searchSimilarity).traversal;
        Traversal codes = int8.newQuery(int8.searchSimilarity).traversal;

        for (Traversal t : new Traversal[] {floatL2, floatDot, codes}) {
            assertTrue(t.getClass().isHidden(), t.getClass() + " is a hidden copy, not the shared class");
            assertEquals(TraversalLoops.class.getPackageName(), t.getClass().getPackageName());
        }
        assertNotSame(floatL2.getClass(), floatDot.getClass());
        assertNotSame(floatL2.getClass(), codes.getClass());
        assertNotSame(floatDot.getClass(), codes.getClass());

        // queries of one class share their copy, whatever index or purpose they serve
        assertSame(floatL2, l2.newQuery(l2.graphSimilarity).traversal, "an l2 index builds and searches alike");
        assertSame(floatL2, scorer(Metric.L2, Map.of()).newQuery(Similarity.NEGATED_SQUARE_DISTANCE).traversal);
        assertSame(floatL2, dot.newQuery(dot.graphSimilarity).traversal, "a dot index builds on distance");
    }
}
