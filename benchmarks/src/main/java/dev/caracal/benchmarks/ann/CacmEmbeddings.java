package dev.caracal.benchmarks.ann;

import dev.caracal.benchmarks.retrieval.Cacm;
import dev.caracal.llm.embeddings.onnx.internal.AllMiniLmEmbeddingModel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CACM as ANN data: the 3,204 documents (title, abstract, authors, as {@link Cacm} cleans them) embedded with the
 * in-process all-MiniLM-L6-v2 model as base vectors, the 64 topics embedded the same way as queries; 384 dims, unit
 * length, cosine. The embeddings are cached in {@code cacm-minilm.f32} (a header naming the model, dimension and
 * counts, then big-endian floats: documents in archive order, then topics in file order; a {@code .txt} sidecar says
 * the same in words), so reruns do not embed again. The cache is rebuilt when its header does not match.
 */
final class CacmEmbeddings {
    static final Path DEFAULT_DIR = Path.of("../shared/data/cacm");
    private static final int MAGIC = 0x43414346; // "CACF"
    private static final int VERSION = 1;

    private CacmEmbeddings() {}

    /** Base = documents, queries = topics (both unit length). */
    static Dataset load(Path dir, Path cacheDir) throws Exception {
        Path cache = cacheDir.resolve("cacm-minilm.f32");
        Cacm cacm = Cacm.load(dir);
        int nDocs = cacm.documents.size();
        int nTopics = cacm.topics.size();
        float[][] all = read(cache, nDocs + nTopics);
        String how;
        if (all == null) {
            long t0 = System.nanoTime();
            all = embed(cacm);
            write(cache, all, nDocs, nTopics);
            how = String.format(Locale.ROOT, "embedded in %.0f s, cached in %s", (System.nanoTime() - t0) / 1e9, cache);
        } else {
            how = "read from " + cache;
        }
        AnnBenchmark.log("CACM: %d documents + %d topics, %d dims (%s)", nDocs, nTopics, all[0].length, how);
        float[][] base = new float[nDocs][];
        float[][] queries = new float[nTopics][];
        System.arraycopy(all, 0, base, 0, nDocs);
        System.arraycopy(all, nDocs, queries, 0, nTopics);
        Dataset.normalize(base);
        Dataset.normalize(queries);
        String description = String.format(
                Locale.ROOT,
                "- Data: CACM (`../shared/data/cacm`), all %,d documents "
                        + "(title, abstract, authors) embedded with the in-process %s model as base, the %d topics embedded the "
                        + "same way as queries (QPS: repeated passes over the %d topics), %d dims, unit length, cosine "
                        + "(Lucene, jvector: DOT_PRODUCT on the unit vectors; hnswlib-java: inner-product distance 1 - q.v; "
                        + "Caracal: metric cosine). Embeddings cached in `benchmarks/target/ann-cache/cacm-minilm.f32`.",
                nDocs,
                AllMiniLmEmbeddingModel.NAME,
                nTopics,
                nTopics,
                all[0].length);
        return new Dataset(
                "cacm", AnnBenchmark.CACM_TITLE, dev.caracal.vector.Metric.COSINE, base, queries, description);
    }

    private static float[][] embed(Cacm cacm) throws Exception {
        AllMiniLmEmbeddingModel model = new AllMiniLmEmbeddingModel();
        model.activate((AllMiniLmEmbeddingModel.Config) Proxy.newProxyInstance(
                CacmEmbeddings.class.getClassLoader(),
                new Class<?>[] {AllMiniLmEmbeddingModel.Config.class},
                (proxy, method, args) -> method.getName().equals("annotationType")
                        ? AllMiniLmEmbeddingModel.Config.class
                        : method.getDefaultValue()));
        try {
            List<String> texts = new ArrayList<>(cacm.documents.values());
            texts.addAll(cacm.topics.values());
            float[][] out = new float[texts.size()][];
            for (int from = 0; from < texts.size(); from += 64) {
                List<float[]> vs = model.embed(texts.subList(from, Math.min(texts.size(), from + 64)))
                        .vectors();
                for (int i = 0; i < vs.size(); i++) {
                    out[from + i] = vs.get(i);
                }
            }
            return out;
        } finally {
            model.deactivate();
        }
    }

    private static float[][] read(Path cache, int expected) throws IOException {
        if (!Files.exists(cache)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cache), 1 << 16))) {
            if (in.readInt() != MAGIC
                    || in.readInt() != VERSION
                    || !in.readUTF().equals(AllMiniLmEmbeddingModel.NAME)) {
                return null;
            }
            int dim = in.readInt();
            int nDocs = in.readInt();
            int nTopics = in.readInt();
            if (dim != AllMiniLmEmbeddingModel.DIMENSION || nDocs + nTopics != expected) {
                return null;
            }
            float[][] out = new float[expected][dim];
            for (float[] v : out) {
                for (int d = 0; d < dim; d++) {
                    v[d] = in.readFloat();
                }
            }
            return out;
        } catch (IOException e) {
            return null; // truncated or foreign: embed again
        }
    }

    private static void write(Path cache, float[][] all, int nDocs, int nTopics) throws IOException {
        Files.createDirectories(cache.getParent());
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(AllMiniLmEmbeddingModel.NAME);
            out.writeInt(all[0].length);
            out.writeInt(nDocs);
            out.writeInt(nTopics);
            for (float[] v : all) {
                for (float x : v) {
                    out.writeFloat(x);
                }
            }
        }
        Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(
                cache.resolveSibling("cacm-minilm.txt"),
                String.format(
                        Locale.ROOT,
                        "model=%s%ndimension=%d%ndocuments=%d (CACM-xxxx in archive order)%ntopics=%d (file order)%n"
                                + "layout=int magic 0x%08X, int version %d, UTF model, int dimension, int documents, int topics,"
                                + " then big-endian float32 vectors: documents, then topics (as the model returned them)%n",
                        AllMiniLmEmbeddingModel.NAME,
                        all[0].length,
                        nDocs,
                        nTopics,
                        MAGIC,
                        VERSION));
    }
}
