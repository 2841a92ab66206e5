package dev.caracal.vector.index.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorSource;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/** Assertions on what a search answered, as the SPI defines answers. */
public final class AnswerChecks {
    private AnswerChecks() {}

    /**
     * {@code answer} to {@code query} is well formed: at most {@code k} results, each ordinal once, live in
     * {@code source} and passing {@code accept} ({@code null}: any), best first, every score the exact score of
     * {@code metric} between the query and the ordinal's vector, on the metric's scale.
     */
    public static void assertWellFormed(
            Metric metric, float[] query, ScoredOrdinals answer, int k, VectorSource source, IntPredicate accept) {
        assertTrue(answer.size() <= k, () -> answer.size() + " results for k " + k);
        Set<Integer> seen = new HashSet<>();
        float[] v = new float[source.dimension()];
        for (int i = 0; i < answer.size(); i++) {
            int o = answer.ordinals()[i];
            float score = answer.scores()[i];
            assertTrue(seen.add(o), () -> "ordinal " + o + " returned twice");
            assertTrue(source.isLive(o), () -> "ordinal " + o + " is not live");
            assertTrue(accept == null || accept.test(o), () -> "ordinal " + o + " is rejected by the filter");
            if (i > 0) {
                assertTrue(
                        answer.scores()[i - 1] >= score, () -> "not best first: " + Arrays.toString(answer.scores()));
            }
            source.copyVector(o, v);
            float expected = GroundTruth.score(metric, query, v);
            assertEquals(expected, score, GroundTruth.tolerance(expected), () -> metric.id() + " score of " + o);
            assertOnScale(metric, score);
        }
    }

    /** {@code score} is on the scale of {@code metric}. */
    public static void assertOnScale(Metric metric, float score) {
        switch (metric) {
            case COSINE -> assertTrue(score >= -1.0001f && score <= 1.0001f, () -> "cosine score " + score);
            case L2, MANHATTAN -> assertTrue(score <= 0f, () -> metric.id() + " score " + score + " above 0");
            case HAMMING -> assertTrue(score <= 0f && score == Math.rint(score), () -> "hamming score " + score);
            case JACCARD -> assertTrue(score >= 0f && score <= 1f, () -> "jaccard score " + score);
            case DOT -> {}
        }
    }

    /** The ordinals of {@code answer}, as a set. */
    public static Set<Integer> ordinals(ScoredOrdinals answer) {
        Set<Integer> out = new HashSet<>();
        for (int o : answer.ordinals()) {
            out.add(o);
        }
        return out;
    }

    /**
     * The ordinals {@code index} holds among {@code candidates}, asked with a filter that accepts exactly those
     * (every index answers a filter accepting at most k ordinals with all of them it holds).
     */
    public static Set<Integer> held(VectorIndex index, float[] query, Set<Integer> candidates) {
        ScoredOrdinals answer = index.search(
                query,
                Math.max(1, candidates.size()),
                IndexTestData.filter(candidates::contains, candidates.size()),
                Map.of());
        return ordinals(answer);
    }
}
