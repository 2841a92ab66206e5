package dev.caracal.llm.embeddings.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A BERT-style sentence encoder on ONNX Runtime: WordPiece tokens in, mean-pooled and L2-normalized vectors out.
 * <p>
 * One {@link OrtSession} per instance; {@link OrtSession#run} is thread-safe, so any number of threads may call
 * {@link #encode} at once. {@link #close()} waits for the batches in flight and then releases the session; a call
 * that finds the encoder closed throws {@link ClosedException}.
 */
public final class SentenceEncoder implements AutoCloseable {

    /** The classpath locations of the model files inside this bundle (see bnd.bnd). */
    public static final String MODEL_RESOURCE = "model/all-minilm-l6-v2-q.onnx";

    public static final String TOKENIZER_RESOURCE = "model/all-minilm-l6-v2-q-tokenizer.json";

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    /** Thrown by {@link #encode} once the encoder is closed. */
    public static final class ClosedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClosedException() {
            super("the embedding model is closed");
        }
    }

    private final WordPieceTokenizer tokenizer;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final Set<String> inputNames;
    private final String outputName;
    private final int dimension;
    private final int maxTokens;
    private final int batchSize;
    private final int parallelism;
    private final ThreadPoolExecutor helpers; // null when parallelism is 1
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    /**
     * Creates an encoder from the model bytes (ONNX) and a tokenizer.
     *
     * @param maxTokens longest input in tokens, [CLS] and [SEP] included; longer inputs are truncated
     * @param batchSize most inputs per ONNX Runtime run
     * @param parallelism most ONNX Runtime runs one call has in flight (the calling thread and
     *        {@code parallelism - 1} helper threads owned by this encoder)
     * @param intraOpThreads ONNX Runtime intra-op threads per run; 0 lets ONNX Runtime choose (one per core)
     */
    public SentenceEncoder(
            byte[] model,
            WordPieceTokenizer tokenizer,
            int maxTokens,
            int batchSize,
            int parallelism,
            int intraOpThreads)
            throws OrtException {
        if (maxTokens < 2 || batchSize < 1 || parallelism < 1 || intraOpThreads < 0) {
            throw new IllegalArgumentException("maxTokens >= 2, batchSize >= 1, parallelism >= 1, "
                    + "intraOpThreads >= 0: " + maxTokens + ", " + batchSize + ", " + parallelism + ", "
                    + intraOpThreads);
        }
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.batchSize = batchSize;
        this.parallelism = parallelism;
        this.environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "caracal");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            // run failures surface as OrtException with ONNX Runtime's message; no second copy on stderr
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            this.session = environment.createSession(model, options);
        }
        try {
            this.inputNames = Set.copyOf(session.getInputNames());
            if (!inputNames.contains(INPUT_IDS) || !inputNames.contains(ATTENTION_MASK)) {
                throw new IllegalArgumentException("the model must take input_ids and attention_mask: " + inputNames);
            }
            for (String name : inputNames) {
                if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK) && !name.equals(TOKEN_TYPE_IDS)) {
                    throw new IllegalArgumentException("unsupported model input " + name);
                }
            }
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String output = outputs.containsKey("last_hidden_state") ? "last_hidden_state" : null;
            int dim = -1;
            for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo t
                        && t.getShape().length == 3
                        && (output == null || output.equals(e.getKey()))) {
                    output = e.getKey();
                    dim = (int) t.getShape()[2];
                    break;
                }
            }
            if (output == null || dim <= 0) {
                throw new IllegalArgumentException("no [batch, tokens, hidden] output in " + outputs.keySet());
            }
            this.outputName = output;
            this.dimension = dim;
            this.helpers = parallelism == 1
                    ? null
                    : new ThreadPoolExecutor(
                            parallelism - 1,
                            parallelism - 1,
                            30,
                            TimeUnit.SECONDS,
                            new LinkedBlockingQueue<>(),
                            new HelperThreads());
            if (helpers != null) {
                helpers.allowCoreThreadTimeOut(true);
            }
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
    }

    /** Loads the model and tokenizer embedded in this bundle. */
    public static SentenceEncoder fromBundledModel(int maxTokens, int batchSize, int parallelism, int intraOpThreads)
            throws IOException, OrtException {
        ClassLoader loader = SentenceEncoder.class.getClassLoader();
        WordPieceTokenizer tokenizer;
        try (InputStream in = resource(loader, TOKENIZER_RESOURCE)) {
            tokenizer = WordPieceTokenizer.load(in);
        }
        byte[] model;
        try (InputStream in = resource(loader, MODEL_RESOURCE)) {
            model = in.readAllBytes();
        }
        return new SentenceEncoder(model, tokenizer, maxTokens, batchSize, parallelism, intraOpThreads);
    }

    private static InputStream resource(ClassLoader loader, String name) throws IOException {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " is missing from the bundle");
        }
        return in;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    public int dimension() {
        return dimension;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int batchSize() {
        return batchSize;
    }

    public int parallelism() {
        return parallelism;
    }

    /** The model inputs this encoder feeds, as the ONNX graph declares them. */
    public Set<String> inputNames() {
        return inputNames;
    }

    /**
     * The vectors of {@code texts} (null is the empty text) in input order and the number of tokens read.
     * The inputs are sorted by token length, longest first, cut into batches of {@link #batchSize()} and the
     * batches run on the calling thread plus up to {@code parallelism - 1} helper threads.
     *
     * @throws ClosedException when the encoder is closed before all batches ran
     */
    public Result encode(List<String> texts) throws OrtException {
        int n = texts.size();
        if (n == 0) {
            return new Result(List.of(), 0);
        }
        int[][] tokens = new int[n][];
        long tokenCount = 0;
        for (int i = 0; i < n; i++) {
            tokens[i] = tokenizer.encode(texts.get(i), maxTokens);
            tokenCount += tokens[i].length;
        }
        // Longest first: batches hold inputs of similar length (little padding), and the big pieces of work are
        // handed out first so the threads finish together.
        int[] order = orderByLengthDescending(tokens);
        float[][] vectors = new float[n][];
        int batches = (n + batchSize - 1) / batchSize;
        if (batches == 1 || helpers == null) {
            for (int b = 0; b < batches; b++) {
                runBatch(tokens, order, b, vectors);
            }
        } else {
            new ParallelCall(tokens, order, batches, vectors).execute();
        }
        return new Result(Arrays.asList(vectors), tokenCount);
    }

    /** Vectors in input order and the number of tokens the model read ([CLS] and [SEP] included). */
    public record Result(List<float[]> vectors, long tokens) {}

    private static int[] orderByLengthDescending(int[][] tokens) {
        int n = tokens.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) (Integer.MAX_VALUE - tokens[i].length) << 32) | i; // stable: ties in input order
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** One call's batches, shared between the calling thread and the helpers that join it. */
    private final class ParallelCall implements Runnable {
        private final int[][] tokens;
        private final int[] order;
        private final int batches;
        private final float[][] vectors;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        ParallelCall(int[][] tokens, int[] order, int batches, float[][] vectors) {
            this.tokens = tokens;
            this.order = order;
            this.batches = batches;
            this.vectors = vectors;
            this.done = new CountDownLatch(batches);
        }

        void execute() throws OrtException {
            int wanted = Math.min(parallelism, batches) - 1;
            for (int h = 0; h < wanted && helpers.getQueue().size() < parallelism; h++) {
                try {
                    helpers.execute(this);
                } catch (RejectedExecutionException e) {
                    break; // closing: the calling thread does the work (and meets the closed encoder)
                }
            }
            run();
            try {
                done.await();
            } catch (InterruptedException e) {
                failure.compareAndSet(null, e);
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof OrtException o) {
                throw o;
            } else if (t instanceof RuntimeException r) {
                throw r;
            } else if (t instanceof Error e) {
                throw e;
            } else if (t != null) {
                throw new IllegalStateException("embedding interrupted", t);
            }
        }

        /** Takes batches until none is left; every batch taken is counted down, run or skipped after a failure. */
        @Override
        public void run() {
            for (int b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        runBatch(tokens, order, b, vectors);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        }
    }

    private void runBatch(int[][] tokens, int[] order, int b, float[][] vectors) throws OrtException {
        int from = b * batchSize;
        int size = Math.min(batchSize, order.length - from);
        int[] batch = Arrays.copyOfRange(order, from, from + size);
        int width = 0;
        for (int j = 0; j < size; j++) {
            width = Math.max(width, tokens[batch[j]].length);
        }
        long[] ids = new long[size * width];
        long[] mask = new long[size * width];
        for (int j = 0; j < size; j++) {
            int[] t = tokens[batch[j]];
            int row = j * width;
            for (int k = 0; k < t.length; k++) {
                ids[row + k] = t[k];
                mask[row + k] = 1;
            }
            if (tokenizer.padId() != 0) {
                Arrays.fill(ids, row + t.length, row + width, tokenizer.padId());
            }
        }
        long[] shape = {size, width};
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new ClosedException();
            }
            Map<String, OnnxTensor> inputs = new HashMap<>(4);
            try {
                inputs.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
                inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
                if (inputNames.contains(TOKEN_TYPE_IDS)) {
                    inputs.put(
                            TOKEN_TYPE_IDS,
                            OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[size * width]), shape));
                }
                try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                    OnnxValue value = result.get(0);
                    FloatBuffer hidden = ((OnnxTensor) value).getFloatBuffer();
                    pool(hidden, tokens, batch, size, width, vectors);
                }
            } finally {
                for (OnnxTensor t : inputs.values()) {
                    t.close();
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Mean of the hidden states of the real tokens of each row, scaled to unit length. */
    private void pool(FloatBuffer hidden, int[][] tokens, int[] batch, int size, int width, float[][] vectors) {
        int dim = dimension;
        float[] h = new float[hidden.remaining()];
        hidden.get(h);
        for (int j = 0; j < size; j++) {
            int length = tokens[batch[j]].length; // the mask is 1 exactly on the first `length` positions
            double[] sum = new double[dim];
            int base = j * width * dim;
            for (int k = 0; k < length; k++) {
                int off = base + k * dim;
                for (int d = 0; d < dim; d++) {
                    sum[d] += h[off + d];
                }
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                sum[d] /= length;
                norm += sum[d] * sum[d];
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) (sum[d] / norm);
            }
            vectors[batch[j]] = v;
        }
    }

    /** Waits for the batches in flight, then releases the session. Idempotent. */
    @Override
    public void close() throws OrtException {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (helpers != null) {
                helpers.shutdown(); // queued helpers find no batch left, or the encoder closed
            }
            session.close();
            // OrtEnvironment is a per-class-loader singleton whose close() is a no-op in ONNX Runtime 1.20; the
            // native environment is released by ONNX Runtime's own JVM shutdown hook.
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Daemon helper threads with a name that says what they are; they end after 30 s without work. */
    private static final class HelperThreads implements ThreadFactory {
        private static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "caracal-embeddings-onnx-" + COUNT.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(SentenceEncoder.class.getClassLoader()); // not the first caller's
            return t;
        }
    }
}
