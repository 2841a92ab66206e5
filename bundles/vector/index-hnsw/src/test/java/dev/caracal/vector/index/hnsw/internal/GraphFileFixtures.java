package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Random;

/**
 * Graph files written by an earlier version of the index, kept as test resources so that {@link
 * HnswFileCompatibilityTest} proves every later version reads them and writes them back byte for byte.
 *
 * <p>The files in {@code src/test/resources/format-v2/} were written by this class running against the index as it
 * was before it was split into graph, scorer, searcher, builder and file (commit 108e515): each case builds a small
 * graph over seeded data, removes every seventh ordinal, persists with fewer covered ordinals than it holds (so both
 * kinds of tombstone are in the file), reopens it and records what searches on the reopened graph return. The only
 * API it uses is {@link HnswIndexFactory} and {@link VectorIndex}, so it runs against any version; running it again
 * with a later version would only prove that version agrees with itself, so regenerate the files only on a format
 * change (and raise the format version then). Usage: {@code GraphFileFixtures <output directory>}.
 */
final class GraphFileFixtures {
    static final int COUNT = 400;
    static final int COVERED = 380;
    static final int DIMENSION = 16;
    static final int K = 10;

    /** One fixture: a metric and the build parameters of the index that wrote it. */
    enum Case {
        FLOAT_L2("float-l2", Metric.L2, Map.of("m", 6L, "efConstruction", 40L)),
        INT8_COSINE("int8-cosine", Metric.COSINE, Map.of("m", 6L, "efConstruction", 40L, "quantization", "int8"));

        final String fileName;
        final Metric metric;
        final Map<String, Object> params;

        Case(String fileName, Metric metric, Map<String, Object> params) {
            this.fileName = fileName;
            this.metric = metric;
            this.params = params;
        }

        float[][] vectors() {
            return IndexTestData.forMetric(IndexTestData.lowRankClustered(new Random(31), COUNT, DIMENSION, 8), metric);
        }

        float[][] queries() {
            return IndexTestData.forMetric(IndexTestData.lowRankClustered(new Random(32), 20, DIMENSION, 8), metric);
        }

        VectorIndex open(IndexTestData.Source source, Path directory) {
            HnswIndexFactory factory = new HnswIndexFactory();
            return factory.open(IndexTestData.context(factory, metric, source, params, directory));
        }
    }

    private GraphFileFixtures() {}

    /**
     * What searches on {@code index} return, one line per query and query parameters: ordinals with the raw bits of
     * their scores (an exact record: equal text means equal results).
     */
    static String searches(VectorIndex index, float[][] queries) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> params : java.util.List.<Map<String, Object>>of(Map.of(), Map.of("ef", 12))) {
            for (float[] query : queries) {
                ScoredOrdinals found = index.search(query, K, null, params);
                out.append(params.isEmpty() ? "default" : "ef=12");
                for (int i = 0; i < found.size(); i++) {
                    out.append(' ')
                            .append(found.ordinals()[i])
                            .append(':')
                            .append(Integer.toHexString(Float.floatToRawIntBits(found.scores()[i])));
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (Case c : Case.values()) {
            Path work = Files.createTempDirectory("hnsw-fixture-");
            IndexTestData.Source source = IndexTestData.Source.of(c.vectors());
            VectorIndex index = c.open(source, work);
            for (int o = 0; o < COUNT; o++) {
                index.add(o, null);
            }
            for (int o = 0; o < COUNT; o += 7) {
                index.remove(o);
                source.kill(o);
            }
            index.persist(COVERED);
            index.close();
            VectorIndex reopened = c.open(source, work);
            if (reopened.restoredOrdinals() != COVERED) {
                throw new IllegalStateException(c + ": the written file did not reload");
            }
            Files.writeString(out.resolve(c.fileName + ".expected"), searches(reopened, c.queries()));
            reopened.close();
            Files.copy(
                    work.resolve(HnswIndex.FILE_NAME),
                    out.resolve(c.fileName + ".graph"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
