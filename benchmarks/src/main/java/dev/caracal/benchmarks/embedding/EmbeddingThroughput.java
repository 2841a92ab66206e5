package dev.caracal.benchmarks.embedding;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.embeddings.onnx.internal.AllMiniLmEmbeddingModel;
import dev.caracal.llm.embeddings.onnx.internal.SentenceEncoder;
import dev.caracal.llm.embeddings.onnx.internal.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * Sentences per second of the all-MiniLM-L6-v2 embedding service ({@link AllMiniLmEmbeddingModel}, as Declarative
 * Services would activate it) against ONNX Runtime called directly with the same tokenizer, model, batch size,
 * parallelism and session options, in the same JVM. Both are warmed up, then measured in alternating rounds; the
 * medians and their ratio are printed. Not a test: run it on demand.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     dev.caracal.benchmarks.embedding.EmbeddingThroughput [--sentences 2000] [--rounds 5] [--batch-size 1]
 *     [--parallelism 0] [--intra-op-threads 1] [--cacm ../shared/data/cacm/cacm.tar.gz] [--chunk 1] [--callers 0]
 * </pre>
 *
 * {@code --callers n} measures n threads that each embed one input per call instead (many small concurrent calls, as
 * query embedding sees them); the direct side then runs one ONNX Runtime call per input on each caller thread.
 * {@code --chunk k} joins k consecutive sentences into one input (longer texts, as RAG chunks are). Sentences come
 * from the CACM collection (titles and abstracts) when the archive is found, else they are generated.
 */
public final class EmbeddingThroughput {

    private EmbeddingThroughput() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int count = Integer.parseInt(options.getOrDefault("sentences", "2000"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        int batchSize = Integer.parseInt(options.getOrDefault("batch-size", "1"));
        int parallelismOption = Integer.parseInt(options.getOrDefault("parallelism", "0"));
        int parallelism =
                parallelismOption > 0 ? parallelismOption : Runtime.getRuntime().availableProcessors();
        int intraOp = Integer.parseInt(options.getOrDefault("intra-op-threads", "1"));
        int chunk = Integer.parseInt(options.getOrDefault("chunk", "1"));
        int callers = Integer.parseInt(options.getOrDefault("callers", "0"));
        int maxTokens = 256;

        List<String> sentences = loadSentences(options.get("cacm"), count, chunk);
        System.out.printf(
                Locale.ROOT,
                "inputs: %d (%s), batch size %d, parallelism %d, intra-op threads %d, " + "%d processors%n",
                sentences.size(),
                source,
                batchSize,
                parallelism,
                intraOp,
                Runtime.getRuntime().availableProcessors());

        AllMiniLmEmbeddingModel service = new AllMiniLmEmbeddingModel();
        service.activate(config(Map.of(
                "batchSize",
                batchSize,
                "parallelism",
                parallelism,
                "intraOpThreads",
                intraOp,
                "maxTokens",
                maxTokens)));
        Direct direct = new Direct(batchSize, parallelism, intraOp, maxTokens);
        try {
            long tokens = 0;
            for (String s : sentences) {
                tokens += direct.tokenizer.encode(s, maxTokens).length;
            }
            System.out.printf(
                    Locale.ROOT,
                    "mean tokens per input: %.1f ([CLS] and [SEP] included)%n",
                    (double) tokens / sentences.size());

            Work serviceWork = callers > 0
                    ? () -> concurrently(callers, sentences, s -> service.embed(List.of(s)))
                    : () -> service.embed(sentences);
            Work directWork = callers > 0
                    ? () -> concurrently(callers, sentences, direct::embedOnCallingThread)
                    : () -> direct.embed(sentences);
            if (callers > 0) {
                System.out.printf(Locale.ROOT, "%d caller threads, one input per call%n", callers);
            }
            // warm-up, and a check that both compute the same vectors
            List<float[]> fromService = service.embed(sentences).vectors();
            List<float[]> fromDirect = direct.embed(sentences);
            serviceWork.run();
            directWork.run();
            double maxDiff = 0;
            for (int i = 0; i < sentences.size(); i++) {
                for (int d = 0; d < 384; d++) {
                    maxDiff = Math.max(
                            maxDiff, Math.abs(fromService.get(i)[d] - fromDirect.get(i)[d]));
                }
            }
            System.out.printf(Locale.ROOT, "largest difference between service and direct vectors: %.2e%n", maxDiff);

            double[] serviceRates = new double[rounds];
            double[] directRates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                // alternate which goes first, so that neither always meets a warmer or colder machine
                if (r % 2 == 0) {
                    serviceRates[r] = rate(sentences.size(), serviceWork);
                    directRates[r] = rate(sentences.size(), directWork);
                } else {
                    directRates[r] = rate(sentences.size(), directWork);
                    serviceRates[r] = rate(sentences.size(), serviceWork);
                }
                System.out.printf(
                        Locale.ROOT,
                        "round %d: service %.1f/s, direct %.1f/s%n",
                        r + 1,
                        serviceRates[r],
                        directRates[r]);
            }
            double s = median(serviceRates);
            double d = median(directRates);
            System.out.printf(
                    Locale.ROOT, "service (AllMiniLmEmbeddingModel): %.1f sentences/s (median of %d)%n", s, rounds);
            System.out.printf(
                    Locale.ROOT, "direct ONNX Runtime:               %.1f sentences/s (median of %d)%n", d, rounds);
            System.out.printf(
                    Locale.ROOT,
                    "ratio service/direct:              %.3f (best rounds: %.1f vs %.1f)%n",
                    s / d,
                    Arrays.stream(serviceRates).max().getAsDouble(),
                    Arrays.stream(directRates).max().getAsDouble());
        } finally {
            service.deactivate();
            direct.close();
        }
    }

    // ---------------------------------------------------------------- the direct baseline

    /**
     * ONNX Runtime used the plain way: the same model bytes, tokenizer, session options, batch size and
     * parallelism (a fixed pool of threads taking batches of length-sorted inputs), mean pooling and normalization.
     */
    private static final class Direct implements AutoCloseable {
        final WordPieceTokenizer tokenizer;
        final OrtEnvironment env;
        final OrtSession session;
        final boolean tokenTypes;
        final int batchSize;
        final int maxTokens;
        final ExecutorService pool;
        final int parallelism;

        Direct(int batchSize, int parallelism, int intraOp, int maxTokens) throws IOException, OrtException {
            ClassLoader loader = SentenceEncoder.class.getClassLoader();
            try (InputStream in = loader.getResourceAsStream(SentenceEncoder.TOKENIZER_RESOURCE)) {
                tokenizer = WordPieceTokenizer.load(in);
            }
            byte[] model;
            try (InputStream in = loader.getResourceAsStream(SentenceEncoder.MODEL_RESOURCE)) {
                model = in.readAllBytes();
            }
            env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setIntraOpNumThreads(intraOp);
                options.setInterOpNumThreads(1);
                session = env.createSession(model, options);
            }
            tokenTypes = session.getInputNames().contains("token_type_ids");
            this.batchSize = batchSize;
            this.maxTokens = maxTokens;
            this.parallelism = parallelism;
            this.pool = Executors.newFixedThreadPool(parallelism);
        }

        List<float[]> embed(List<String> texts) throws Exception {
            int n = texts.size();
            int[][] tokens = new int[n][];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = tokenizer.encode(texts.get(i), maxTokens);
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(tokens[b].length, tokens[a].length));
            float[][] vectors = new float[n][];
            int batches = (n + batchSize - 1) / batchSize;
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < Math.min(parallelism, batches); t++) {
                futures.add(pool.submit(() -> {
                    for (int b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
                        int from = b * batchSize;
                        int[] rows = new int[Math.min(batchSize, n - from)];
                        for (int j = 0; j < rows.length; j++) {
                            rows[j] = order[from + j];
                        }
                        run(tokens, rows, vectors);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return Arrays.asList(vectors);
        }

        /** One input, one ONNX Runtime run, on the calling thread. */
        float[] embedOnCallingThread(String text) throws OrtException {
            float[][] vectors = new float[1][];
            run(new int[][] {tokenizer.encode(text, maxTokens)}, new int[] {0}, vectors);
            return vectors[0];
        }

        private void run(int[][] tokens, int[] rows, float[][] vectors) throws OrtException {
            int size = rows.length;
            int width = 0;
            for (int r : rows) {
                width = Math.max(width, tokens[r].length);
            }
            long[] ids = new long[size * width];
            long[] mask = new long[size * width];
            for (int j = 0; j < size; j++) {
                int[] t = tokens[rows[j]];
                for (int k = 0; k < t.length; k++) {
                    ids[j * width + k] = t[k];
                    mask[j * width + k] = 1;
                }
            }
            long[] shape = {size, width};
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
                inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
                if (tokenTypes) {
                    inputs.put(
                            "token_type_ids",
                            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
                }
                try (OrtSession.Result result = session.run(inputs, Set.of("last_hidden_state"))) {
                    FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    for (int j = 0; j < size; j++) {
                        int length = tokens[rows[j]].length;
                        float[] v = new float[384];
                        for (int k = 0; k < length; k++) {
                            int off = (j * width + k) * 384;
                            for (int d = 0; d < 384; d++) {
                                v[d] += hidden.get(off + d);
                            }
                        }
                        double norm = 0;
                        for (float x : v) {
                            norm += (double) x * x;
                        }
                        float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
                        for (int d = 0; d < 384; d++) {
                            v[d] *= scale;
                        }
                        vectors[rows[j]] = v;
                    }
                }
            } finally {
                for (OnnxTensor t : inputs.values()) {
                    t.close();
                }
            }
        }

        @Override
        public void close() throws OrtException {
            pool.shutdownNow();
            session.close();
        }
    }

    // ---------------------------------------------------------------- measurement

    private interface Work {
        Object run() throws Exception;
    }

    private interface PerInput {
        Object embed(String text) throws Exception;
    }

    /** {@code callers} threads take the inputs one at a time until none is left. */
    private static Object concurrently(int callers, List<String> inputs, PerInput call) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                futures.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < inputs.size(); i = next.getAndIncrement()) {
                        call.embed(inputs.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        return null;
    }

    private static double rate(int items, Work work) throws Exception {
        long start = System.nanoTime();
        Object result = work.run();
        long elapsed = System.nanoTime() - start;
        if (result instanceof Embeddings e && e.vectors().size() != items) {
            throw new IllegalStateException("wrong number of vectors");
        }
        return items / (elapsed / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static AllMiniLmEmbeddingModel.Config config(Map<String, Object> values) {
        return (AllMiniLmEmbeddingModel.Config) Proxy.newProxyInstance(
                EmbeddingThroughput.class.getClassLoader(),
                new Class<?>[] {AllMiniLmEmbeddingModel.Config.class},
                (proxy, method, args) -> method.getName().equals("annotationType")
                        ? AllMiniLmEmbeddingModel.Config.class
                        : values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    // ---------------------------------------------------------------- sentences

    private static String source = "generated";

    /** Sentences of the CACM titles and abstracts, in document order, or generated ones when there is no archive. */
    static List<String> loadSentences(String archive, int count, int chunk) throws IOException {
        List<String> candidates = archive != null
                ? List.of(archive)
                : List.of(
                        "../shared/data/cacm/cacm.tar.gz",
                        "../../shared/data/cacm/cacm.tar.gz",
                        "/work/shared/data/cacm/cacm.tar.gz");
        List<String> sentences = new ArrayList<>();
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isRegularFile(path)) {
                sentences = cacmSentences(path);
                source = "CACM sentences from " + path;
                break;
            }
        }
        if (sentences.isEmpty()) {
            sentences = generatedSentences(count * chunk);
        }
        List<String> inputs = new ArrayList<>();
        for (int i = 0; inputs.size() < count; i += chunk) {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < chunk; k++) {
                if (k > 0) {
                    b.append(' ');
                }
                b.append(sentences.get((i + k) % sentences.size()));
            }
            inputs.add(b.toString());
        }
        return inputs;
    }

    /** Reads the tar.gz (ustar) of CACM-nnnn.html files: the text before the "CACM month, year" line of each. */
    static List<String> cacmSentences(Path archive) throws IOException {
        List<String> sentences = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = field(header, 0, 100);
                if (name.isEmpty()) {
                    break; // end of archive
                }
                String octal = field(header, 124, 12).trim();
                long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                char type = (char) header[156];
                if ((type == '0' || type == 0) && name.endsWith(".html")) {
                    split(new String(content, StandardCharsets.UTF_8), sentences);
                }
            }
        }
        return sentences;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static void split(String html, List<String> out) {
        int start = html.indexOf("<pre>");
        int end = html.indexOf("\nCACM ");
        if (start < 0 || end < start) {
            return;
        }
        String text = html.substring(start + 5, end).replaceAll("\\s+", " ").trim();
        for (String sentence : text.split("(?<=[.?!])\\s+")) {
            if (sentence.length() >= 20) {
                out.add(sentence);
            }
        }
    }

    private static List<String> generatedSentences(int count) {
        String[] words = ("the a system program language data algorithm computer memory time sharing retrieval "
                        + "information compiler storage processing file method analysis design network operating query "
                        + "index search user performance parallel model procedure table list tree graph matrix")
                .split(" ");
        Random random = new Random(42);
        List<String> sentences = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder b = new StringBuilder();
            int n = 5 + random.nextInt(25);
            for (int k = 0; k < n; k++) {
                b.append(k == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            sentences.add(b.append('.').toString());
        }
        return sentences;
    }
}
