package dev.caracal.llm.embeddings.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AllMiniLmEmbeddingModelTest {

    /** Texts of very different lengths, so that batches need padding. */
    static final List<String> TEXTS = List.of(
            "hello world",
            "The cat sat on the mat.",
            "A man is playing a guitar on stage in front of a large crowd of people.",
            "Quantized transformer models trade a little accuracy for a lot of speed.",
            "x",
            "Preliminary report on the international algebraic language, with a long discussion of the syntax and "
                    + "semantics of procedure declarations, array bounds, recursion and the evaluation of expressions"
                    + " in the presence of side effects, as debated by the committee in Zurich and Paris.",
            "Café naïve résumé",
            "中文字符",
            "Interarrival statistics for time sharing systems",
            "",
            "The optimization of time-shared system performance requires the description of the stochastic "
                    + "processes governing the user inputs and the program activity.",
            "ok");

    private static AllMiniLmEmbeddingModel model;
    private static List<float[]> singles;

    @BeforeAll
    static void activate() throws Exception {
        model = TestConfigs.activated(Map.of());
        singles = new ArrayList<>();
        for (String text : TEXTS) {
            singles.add(model.embed(List.of(text)).vectors().get(0));
        }
    }

    @AfterAll
    static void deactivate() {
        model.deactivate();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (d > tolerance) {
                throw new AssertionError(what + ": component " + i + " differs by " + d);
            }
        }
    }

    @Test
    void describesItself() {
        assertEquals("all-minilm-l6-v2", model.name());
        assertEquals(384, model.dimension());
        assertTrue(model.normalized());
        assertEquals(256, model.maxInputTokens());
    }

    @Test
    void feedsExactlyTheInputsTheGraphDeclares() throws Exception {
        try (SentenceEncoder encoder = SentenceEncoder.fromBundledModel(256, 1, 1, 1)) {
            assertEquals(java.util.Set.of("input_ids", "attention_mask", "token_type_ids"), encoder.inputNames());
            assertEquals(384, encoder.dimension());
        }
    }

    @Test
    void vectorsHave384UnitLengthComponents() {
        Embeddings embeddings = model.embed(TEXTS);
        assertEquals(TEXTS.size(), embeddings.vectors().size());
        for (float[] v : embeddings.vectors()) {
            assertEquals(384, v.length);
            double norm = 0;
            for (float x : v) {
                assertTrue(Float.isFinite(x));
                norm += x * x;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5);
        }
    }

    @Test
    void countsTheTokensTheModelRead() throws Exception {
        WordPieceTokenizer tokenizer;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(SentenceEncoder.TOKENIZER_RESOURCE)) {
            tokenizer = WordPieceTokenizer.load(in);
        }
        long expected =
                TEXTS.stream().mapToLong(t -> tokenizer.encode(t, 256).length).sum();
        assertEquals(expected, model.embed(TEXTS).inputTokens());
        assertEquals(4, model.embed(List.of("hello world")).inputTokens());
        // long input is truncated to maxInputTokens
        assertEquals(256, model.embed(List.of("word ".repeat(5000))).inputTokens());
    }

    @Test
    void callCompositionNeverChangesAVector() {
        // the whole list, reversed, shuffled and in pairs: every vector equals the one of its text alone
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            order.add(i);
        }
        List<List<Integer>> calls = new ArrayList<>();
        calls.add(new ArrayList<>(order));
        List<Integer> reversed = new ArrayList<>(order);
        Collections.reverse(reversed);
        calls.add(reversed);
        List<Integer> shuffled = new ArrayList<>(order);
        Collections.shuffle(shuffled, new Random(7));
        calls.add(shuffled);
        for (int i = 0; i + 1 < TEXTS.size(); i += 2) {
            calls.add(List.of(i, i + 1));
        }
        for (List<Integer> call : calls) {
            List<String> texts = call.stream().map(TEXTS::get).toList();
            List<float[]> vectors = model.embed(texts).vectors();
            for (int j = 0; j < call.size(); j++) {
                assertClose(singles.get(call.get(j)), vectors.get(j), 1e-5, "text " + call.get(j) + " in " + call);
            }
        }
    }

    @Test
    void parallelismNeverChangesAVector() throws Exception {
        for (int parallelism : new int[] {1, 3}) {
            AllMiniLmEmbeddingModel other = TestConfigs.activated(Map.of("parallelism", parallelism));
            try {
                List<float[]> vectors = other.embed(TEXTS).vectors();
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertClose(singles.get(i), vectors.get(i), 1e-5, "parallelism " + parallelism + " text " + i);
                }
            } finally {
                other.deactivate();
            }
        }
    }

    /**
     * With batchSize above 1 the inputs are padded to the longest of their batch. The attention mask keeps padding
     * out of attention and pooling, but this quantized model quantizes activations with one scale per tensor, so
     * batch-mates (padding included) shift a vector: close to, not equal to, the unbatched vector. Short texts move
     * most (cosine about 0.96 for "ok" next to longer texts), hence batchSize 1 by default.
     */
    @Test
    void batchedRunsStayCloseToUnbatchedVectorsInInputOrder() throws Exception {
        for (int batchSize : new int[] {4, 32}) {
            AllMiniLmEmbeddingModel batched = TestConfigs.activated(Map.of("batchSize", batchSize));
            try {
                List<float[]> vectors = batched.embed(TEXTS).vectors();
                for (int i = 0; i < TEXTS.size(); i++) {
                    double own = cosine(singles.get(i), vectors.get(i));
                    assertTrue(own > 0.9, "batch " + batchSize + " text " + i + ": cosine " + own);
                    for (int j = 0; j < TEXTS.size(); j++) {
                        if (j != i && !TEXTS.get(j).equals(TEXTS.get(i))) {
                            assertTrue(cosine(singles.get(j), vectors.get(i)) < own, "input order kept");
                        }
                    }
                }
                // a batch of one identical text is exact: no batch-mates, no padding
                float[] alone = batched.embed(List.of(TEXTS.get(2))).vectors().get(0);
                assertClose(singles.get(2), alone, 1e-5, "batch " + batchSize + " single");
            } finally {
                batched.deactivate();
            }
        }
    }

    @Test
    void paraphrasesScoreHigherThanUnrelatedText() {
        List<float[]> v = model.embed(List.of(
                        "A man is playing a guitar.",
                        "Someone plays an acoustic guitar.",
                        "The stock market fell sharply on Monday.",
                        "How do I bake sourdough bread?",
                        "What is a good recipe for sourdough loaves?"))
                .vectors();
        double guitar = cosine(v.get(0), v.get(1));
        double bread = cosine(v.get(3), v.get(4));
        double unrelated = Math.max(cosine(v.get(0), v.get(2)), cosine(v.get(1), v.get(3)));
        assertTrue(guitar > 0.6, "guitar paraphrase " + guitar);
        assertTrue(bread > 0.6, "bread paraphrase " + bread);
        assertTrue(unrelated < 0.3, "unrelated " + unrelated);
        assertTrue(Math.min(guitar, bread) > unrelated + 0.3);
    }

    @Test
    void concurrentCallsGiveTheSequentialResults() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                for (int r = 0; r < 3; r++) {
                    futures.add(pool.submit(() -> model.embed(TEXTS).vectors()));
                    final int one = (t * 3 + r) % TEXTS.size();
                    futures.add(pool.submit(
                            () -> model.embed(List.of(TEXTS.get(one))).vectors()));
                }
            }
            for (Future<List<float[]>> f : futures) {
                List<float[]> vectors = f.get();
                if (vectors.size() == TEXTS.size()) {
                    for (int i = 0; i < vectors.size(); i++) {
                        assertArrayEquals(singles.get(i), vectors.get(i));
                    }
                } else {
                    assertTrue(singles.stream().anyMatch(s -> Arrays.equals(s, vectors.get(0))));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void emptyNullAndBlankInputs() {
        Embeddings none = model.embed(List.of());
        assertEquals(0, none.vectors().size());
        assertEquals(0, none.inputTokens());

        float[] empty = model.embed(List.of("")).vectors().get(0);
        Embeddings blanks = model.embed(Arrays.asList(null, "", "   \n\t"));
        assertEquals(3, blanks.vectors().size());
        assertEquals(6, blanks.inputTokens());
        for (float[] v : blanks.vectors()) {
            assertArrayEquals(empty, v);
        }
        LlmException e = assertThrows(LlmException.class, () -> model.embed(null));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
    }

    @Test
    void activatesAndDeactivatesRepeatedly() throws Exception {
        AllMiniLmEmbeddingModel component = new AllMiniLmEmbeddingModel();
        for (int round = 0; round < 2; round++) {
            component.activate(TestConfigs.defaults());
            assertArrayEquals(
                    singles.get(1),
                    component.embed(List.of(TEXTS.get(1))).vectors().get(0));
            component.deactivate();
            LlmException e = assertThrows(LlmException.class, () -> component.embed(List.of("after")));
            assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        }
        component.deactivate(); // idempotent
    }

    @Test
    void reconfigurationWhileCallsRunLosesNoCall() throws Exception {
        AllMiniLmEmbeddingModel component = TestConfigs.activated(Map.of("parallelism", 2));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(() -> {
                    int calls = 0;
                    while (!stop.get() || calls == 0) {
                        List<float[]> vectors = component.embed(TEXTS).vectors();
                        for (int i = 0; i < vectors.size(); i++) {
                            assertArrayEquals(singles.get(i), vectors.get(i));
                        }
                        calls++;
                    }
                    return calls;
                }));
            }
            for (int parallelism : new int[] {1, 3, 2}) {
                Thread.sleep(100);
                component.modified(TestConfigs.with(Map.of("parallelism", parallelism, "maxTokens", 300)));
                assertEquals(300, component.maxInputTokens());
            }
            stop.set(true);
            for (Future<Integer> w : workers) {
                assertTrue(w.get() > 0);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
            component.deactivate();
        }
    }

    @Test
    void onnxRuntimeFailuresAreUpstreamErrors() throws Exception {
        // a tokenizer whose "hello" id is past the model's embedding table makes ONNX Runtime fail the run
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(SentenceEncoder.TOKENIZER_RESOURCE)) {
            json = (ObjectNode) mapper.readTree(in);
        }
        ((ObjectNode) json.path("model").path("vocab")).put("hello", 999_999);
        WordPieceTokenizer broken = WordPieceTokenizer.load(new ByteArrayInputStream(mapper.writeValueAsBytes(json)));
        byte[] onnx;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(SentenceEncoder.MODEL_RESOURCE)) {
            onnx = in.readAllBytes();
        }
        SentenceEncoder encoder = new SentenceEncoder(onnx, broken, 256, 1, 2, 1);
        assertThrows(OrtException.class, () -> encoder.encode(List.of("hello")));
        EmbeddingModel component = new AllMiniLmEmbeddingModel(encoder);
        LlmException e = assertThrows(LlmException.class, () -> component.embed(List.of("fine", "hello there")));
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        assertTrue(e.getCause() instanceof OrtException);
        // the session survives a failed run
        assertEquals(1, component.embed(List.of("world")).vectors().size());
        encoder.close();
    }
}
