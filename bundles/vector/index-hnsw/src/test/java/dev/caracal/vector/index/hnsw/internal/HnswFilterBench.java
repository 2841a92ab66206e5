package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * A measurement, not a test (no assertions on time): single-thread QPS and recall@10 of unfiltered and filtered
 * searches (10% and 1%, forced graph traversal and the default choice), float and int8. Run with the test classpath:
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:<deps>
 * dev.caracal.vector.index.hnsw.internal.HnswFilterBench [n] [dim]}.
 */
public final class HnswFilterBench {
    private HnswFilterBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 96;
        String only = args.length > 2 ? args[2] : "none,int8";
        boolean[] twoHops = args.length > 4 ? new boolean[] {false, true} : new boolean[] {true};
        double[] growths = args.length > 3
                ? java.util.Arrays.stream(args[3].split(","))
                        .mapToDouble(Double::parseDouble)
                        .toArray()
                : new double[] {0};
        Metric metric = Metric.L2;
        int clusters = args.length > 6 ? Integer.parseInt(args[6]) : 100;
        float[][] data = IndexTestData.lowRankClustered(new Random(1), n, dim, clusters);
        float[][] queries = IndexTestData.lowRankClustered(new Random(2), 300, dim, clusters);
        for (String quantization : only.split(",")) {
            long t0 = System.nanoTime();
            HnswIndex index = IndexTestData.build(
                    new HnswIndexFactory(), metric, data, Map.of("quantization", quantization), null);
            System.out.printf(
                    "%s: built %d x %d in %.1f s, %.0f bytes/vector%n",
                    quantization, n, dim, (System.nanoTime() - t0) / 1e9, index.memoryBytes() / (double) n);
            for (int ef : new int[] {32, 64, 128}) {
                measure(index, data, queries, metric, null, null, ef, "unfiltered");
            }
            int[] percents = args.length > 5
                    ? java.util.Arrays.stream(args[5].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray()
                    : new int[] {10, 1};
            for (int percent : percents) {
                int modulo = 100 / percent;
                IntPredicate accept = o -> o % modulo == 3;
                OrdinalFilter filter = IndexTestData.filter(accept, n / modulo);
                for (double growth : growths) {
                    for (boolean twoHop : twoHops) {
                        index.tuning.filteredEfGrowth = growth;
                        index.tuning.twoHopFilter = twoHop;
                        // cmp: two hops forced at every selectivity; otherwise the index's own threshold
                        index.tuning.twoHopMinSelectivity = twoHops.length > 1 ? 0 : 0.08;
                        for (boolean force : args.length > 5 ? new boolean[] {true} : new boolean[] {true, false}) {
                            if (!force && percent == 1 && growth != growths[0]) {
                                continue; // exact scan: growth plays no part
                            }
                            index.tuning.exactScanMaxMatches = force ? 0 : 2_000;
                            index.tuning.exactScanSelectivity = force ? 0 : 0.03;
                            for (int ef : new int[] {16, 32, 64, 128}) {
                                measure(
                                        index,
                                        data,
                                        queries,
                                        metric,
                                        filter,
                                        accept,
                                        ef,
                                        percent + "% "
                                                + (force ? "traversal" : "default") + " growth " + growth
                                                + (twoHops.length > 1 && twoHop ? " 2hop" : ""));
                            }
                        }
                    }
                }
            }
            index.close();
        }
    }

    static void measure(
            HnswIndex index,
            float[][] data,
            float[][] queries,
            Metric metric,
            OrdinalFilter filter,
            IntPredicate accept,
            int ef,
            String label) {
        Map<String, Object> params = Map.of("ef", ef);
        for (int w = 0; w < 1; w++) { // warm-up
            for (float[] q : queries) {
                index.search(q, 10, filter, params);
            }
        }
        long s = System.nanoTime();
        int rounds = 0;
        do {
            for (float[] q : queries) {
                index.search(q, 10, filter, params);
            }
            rounds++;
        } while (System.nanoTime() - s < 500_000_000L);
        double qps = rounds * queries.length / ((System.nanoTime() - s) / 1e9);
        double recall = GroundTruth.meanRecall(index, data, metric, queries, 10, filter, accept, params);
        System.out.printf("  %-36s ef %4d: recall@10 %.4f  %8.0f QPS%n", label, ef, recall, qps);
    }
}
