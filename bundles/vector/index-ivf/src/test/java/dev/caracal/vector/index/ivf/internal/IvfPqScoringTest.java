package dev.caracal.vector.index.ivf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.testkit.IndexTestData;
import dev.caracal.vector.math.TopK;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast PQ scan (one lookup table per query, per-entry L2 terms) computes exactly the asymmetric distance to the
 * decoded vector, also after removals compact the lists and after a reload.
 */
class IvfPqScoringTest {
    static final int DIM = 32;

    @TempDir
    Path dir;

    /** The vector an entry's code stands for: centroid plus decoded residual. */
    static float[] decode(IvfLayout l, int list, byte[] codes, int off) {
        ProductQuantizer pq = l.pq;
        float[] v = new float[l.dim];
        for (int s = 0; s < pq.m; s++) {
            int c = codes[off + s] & 0xff;
            for (int d = 0; d < pq.dsub; d++) {
                int j = s * pq.dsub + d;
                v[j] = l.centroids[list * l.dim + j] + pq.codewords[j * ProductQuantizer.KSUB + c];
            }
        }
        return v;
    }

    /** Every entry's scan score against the directly computed one; returns how many entries were checked. */
    static int check(IvfLayout l, Metric metric, float[] q) {
        float[] table = new float[l.pq.m * ProductQuantizer.KSUB];
        boolean isL2 = metric == Metric.L2;
        l.pq.dotTable(q, table, isL2 ? 2f : 1f);
        int checked = 0;
        for (int list = 0; list < l.nlist; list++) {
            InvertedList il = l.lists[list];
            float qc = 0;
            for (int d = 0; d < l.dim; d++) {
                float x = q[d] - l.centroids[list * l.dim + d];
                qc += isL2 ? x * x : q[d] * l.centroids[list * l.dim + d];
            }
            // as the search does: base -|q - c|^2 (L2) or <q, c>
            TopK top = new TopK(Math.max(1, il.size));
            IvfIndex.scanCodes(il, table, isL2 ? -qc : qc, null, top);
            var drained = IvfIndex.drain(top, false);
            Map<Integer, Float> scanned = new HashMap<>();
            for (int i = 0; i < drained.size(); i++) {
                scanned.put(drained.ordinals()[i], drained.scores()[i]);
            }
            for (int i = 0; i < il.size; i++) {
                if (il.isDead(i)) {
                    assertFalse(
                            scanned.containsKey(il.ordinals[i]) && countLive(il, il.ordinals[i]) == 0,
                            "dead entry scanned");
                    continue;
                }
                float[] x = decode(l, list, il.codes, i * il.width);
                double expected = 0;
                for (int d = 0; d < l.dim; d++) {
                    expected += isL2 ? (double) (q[d] - x[d]) * (q[d] - x[d]) : (double) q[d] * x[d];
                }
                // -|q - x|^2 for L2, <q, x> for inner products
                float want = isL2 ? (float) -expected : (float) expected;
                Float got = scanned.get(il.ordinals[i]);
                assertNotNull(got, "ordinal " + il.ordinals[i]);
                assertEquals(want, got, 2e-3f * Math.max(1f, Math.abs(want)), metric + " ordinal " + il.ordinals[i]);
                checked++;
            }
        }
        return checked;
    }

    private static int countLive(InvertedList il, int ordinal) {
        int n = 0;
        for (int i = 0; i < il.size; i++) {
            n += il.ordinals[i] == ordinal && !il.isDead(i) ? 1 : 0;
        }
        return n;
    }

    @Test
    void scanScoresAreTheDistancesToTheDecodedVectors() throws Exception {
        for (Metric metric : List.of(Metric.L2, Metric.DOT)) {
            Path d = dir.resolve(metric.id());
            float[][] data = IndexTestData.clustered(new Random(91), 5000, DIM, 25, 0);
            IndexTestData.Source source = new IndexTestData.Source(DIM);
            for (int i = 0; i < data.length; i++) {
                source.put(i, data[i]);
            }
            IvfIndex index =
                    IndexTestData.openIndex(new IvfPqIndexFactory(), metric, source, Map.of("nlist", 16, "pqM", 8), d);
            for (int i = 0; i < data.length; i++) {
                index.add(i, data[i]);
            }
            index.awaitTraining();
            index.trainNow();
            IvfLayout l = index.layout();
            assertEquals(metric == Metric.L2, l.terms);
            for (InvertedList il : l.lists) {
                if (metric == Metric.L2) {
                    assertNotNull(il.terms);
                } else {
                    assertNull(il.terms, "no per-entry terms for inner products");
                }
            }
            Random random = new Random(92);
            float[] q = data[random.nextInt(data.length)].clone();
            assertEquals(5000, check(l, metric, q));
            // removals compact lists (terms move with their codes); re-adds append
            for (int o = 0; o < 5000; o += 2) {
                index.remove(o);
            }
            for (int o = 0; o < 200; o += 2) {
                index.add(o, data[o + 1]);
            }
            assertEquals(2600, check(index.layout(), metric, q));
            // reloaded: terms recomputed from the codes
            index.persist(5000);
            index.close();
            IvfIndex reopened =
                    IndexTestData.openIndex(new IvfPqIndexFactory(), metric, source, Map.of("nlist", 16, "pqM", 8), d);
            assertEquals(5000, reopened.restoredOrdinals());
            assertEquals(2600, check(reopened.layout(), metric, q));
            assertTrue(reopened.search(q, 5, null, Map.of()).size() == 5);
            reopened.close();
        }
    }
}
