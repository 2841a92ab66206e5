package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.testkit.GroundTruth;
import dev.caracal.vector.index.testkit.IndexTestData;
import dev.caracal.vector.math.VectorMath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * A manual benchmark (not a test): ivf-pq query throughput against recall@10 on clustered data. Prints figures only.
 *
 * <pre>
 * mvn -q -o dependency:build-classpath -pl bundles/vector/index-ivf -Dmdep.outputFile=/tmp/ivf-cp.txt
 * java --add-modules jdk.incubator.vector -cp bundles/vector/index-ivf/target/test-classes:\
 *   bundles/vector/index-ivf/target/classes:$(cat /tmp/ivf-cp.txt) \
 *   dev.caracal.vector.index.ivf.internal.IvfPqBench [n] [dim] [queries] [metric]
 * </pre>
 */
public final class IvfPqBench {
    private IvfPqBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int nq = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        Metric metric = args.length > 3 ? Metric.valueOf(args[3].toUpperCase()) : Metric.L2;
        Random random = new Random(2024);
        // 100 overlapping Gaussian clusters (centres N(0,1), points at sigma 0.7 per component); queries are fresh
        // draws from the same mixture, not data points
        float[][] centres = new float[100][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) random.nextGaussian();
            }
        }
        float[][] data = new float[n][];
        float[][] queries = new float[nq][];
        for (int i = 0; i < n + nq; i++) {
            float[] c = centres[random.nextInt(centres.length)];
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) (c[d] + 0.7 * random.nextGaussian());
            }
            if (i < n) {
                data[i] = v;
            } else {
                queries[i - n] = v;
            }
        }
        if (metric == Metric.COSINE) {
            for (float[] v : data) {
                IndexTestData.normalize(v);
            }
            for (float[] q : queries) {
                IndexTestData.normalize(q);
            }
        }
        IndexTestData.Source source = new IndexTestData.Source(dim);
        for (int i = 0; i < n; i++) {
            source.put(i, data[i]);
        }
        Path dir = Files.createTempDirectory("ivfpq-bench");
        IvfPqIndexFactory factory = new IvfPqIndexFactory();
        factory.settings = new IvfSettings(Integer.MAX_VALUE, 15, 1.5, 1e9, 42L); // train once, explicitly
        IvfIndex index = IndexTestData.openIndex(factory, metric, source, Map.of(), dir);
        for (int i = 0; i < n; i++) {
            index.add(i, data[i]);
        }
        long t0 = System.nanoTime();
        index.trainNow();
        IvfLayout l = index.layout();
        System.out.printf(
                "ivf-pq %s n=%d dim=%d: nlist %d, pqM %d, trained in %d ms, kernels %s%n",
                metric.id(),
                n,
                dim,
                l.nlist,
                l.pq.m,
                (System.nanoTime() - t0) / 1_000_000,
                VectorMath.get().name());
        System.out.printf(
                "memory %d bytes = %.1f bytes/vector (codes %d bytes/vector)%n",
                index.memoryBytes(), index.memoryBytes() / (double) n, l.pq.m);
        int[][] truth = new int[nq][];
        for (int i = 0; i < nq; i++) {
            truth[i] = GroundTruth.bruteForce(source, metric, queries[i], 10, null);
        }
        for (int rerank : new int[] {4, 8, 16}) {
            for (int nprobe : new int[] {4, 8, 16, 32, 64, 128}) {
                Map<String, Object> p = Map.of("nprobe", nprobe, "rerank", rerank);
                for (int w = 0; w < 2; w++) {
                    for (int i = 0; i < nq; i++) { // warm-up
                        index.search(queries[i], 10, null, p);
                    }
                }
                double best = 0;
                double recall = 0;
                for (int rep = 0; rep < 5; rep++) {
                    ScoredOrdinals[] res = new ScoredOrdinals[nq];
                    long s = System.nanoTime();
                    for (int i = 0; i < nq; i++) {
                        res[i] = index.search(queries[i], 10, null, p);
                    }
                    double qps = nq / ((System.nanoTime() - s) / 1e9);
                    best = Math.max(best, qps);
                    double sum = 0;
                    for (int i = 0; i < nq; i++) {
                        sum += GroundTruth.recall(truth[i], res[i]);
                    }
                    recall = sum / nq;
                }
                System.out.printf(
                        "nprobe %4d rerank %d: recall@10 %.3f, %8.0f QPS (single thread, best of 5)%n",
                        nprobe, rerank, recall, best);
            }
        }
        index.close();
    }
}
