package dev.caracal.vector.store.internal;

import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.math.Scores;
import dev.caracal.vector.math.TopK;
import dev.caracal.vector.math.VectorMath;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code flat} index type's parameters, and its int8-quantized variant: an exact-scan-style index built into the
 * store (not a plugin) that scans one byte per dimension instead of four, then re-ranks the best
 * {@code k * rerank} candidates with the full-precision vectors.
 *
 * <p>Quantization is symmetric and per vector: {@code code = round(x / scale)} with {@code scale = max|x| / 127}, so
 * no training is needed and data drift cannot make it stale. The approximate score is {@code scale * (q . code)} for
 * dot and cosine (vectors at unit length), and {@code 2 q.v - |v|^2} (the exact |v|^2 kept per vector) for L2, which
 * ranks like the negated distance. Only the ranking of candidates is approximate: final scores are exact.
 */
final class QuantizedFlat {
    static final String QUANTIZATION = "quantization";
    static final String RERANK = "rerank";
    static final int DEFAULT_RERANK = 10;
    static final int MAX_RERANK = 100;
    private static final int PAGE_SHIFT = 12;
    private static final int PAGE = 1 << PAGE_SHIFT;

    private QuantizedFlat() {}

    /** Whether a (validated) flat spec asks for int8. */
    static boolean isQuantized(IndexSpec spec) {
        return IndexSpec.FLAT.equals(spec.type()) && "int8".equals(spec.params().get(QUANTIZATION));
    }

    /** Validates flat build parameters: {@code quantization} none (default) or int8; nothing else. */
    static Map<String, Object> validateBuildParams(Map<String, Object> params, Metric metric) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (!QUANTIZATION.equals(e.getKey())) {
                throw new InvalidRequestException(
                        "index." + e.getKey(),
                        "unknown parameter of the flat " + "index; it takes only quantization (none or int8)");
            }
        }
        Object q = params.get(QUANTIZATION);
        String quantization = q == null ? "none" : q.toString().trim().toLowerCase(Locale.ROOT);
        if (!quantization.equals("none") && !quantization.equals("int8")) {
            throw new InvalidRequestException(
                    "index.quantization", "quantization must be none or int8; got '" + q + "'");
        }
        if (quantization.equals("int8")) {
            if (metric != Metric.COSINE && metric != Metric.DOT && metric != Metric.L2) {
                throw new InvalidRequestException(
                        "index.quantization",
                        "int8 quantization serves cosine, dot " + "and l2 collections, not " + metric.id());
            }
            out.put(QUANTIZATION, "int8");
        }
        return out;
    }

    /** Validates per-query parameters of a flat collection: none, or {@code rerank} (1-100) when quantized. */
    static Map<String, Object> validateQueryParams(Map<String, Object> params, boolean quantized) {
        for (String name : params.keySet()) {
            if (!quantized || !RERANK.equals(name)) {
                throw new InvalidRequestException(
                        "params." + name,
                        quantized
                                ? "an int8 flat collection takes only the query parameter rerank (1 to " + MAX_RERANK
                                        + ")"
                                : "an exact (flat) search takes no query parameters");
            }
        }
        Object r = params.get(RERANK);
        if (r == null) {
            return Map.of(RERANK, DEFAULT_RERANK);
        }
        if (!(r instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new InvalidRequestException("params.rerank", "rerank must be an integer from 1 to " + MAX_RERANK);
        }
        long v = n.longValue();
        if (v < 1 || v > MAX_RERANK) {
            throw new InvalidRequestException(
                    "params.rerank", "rerank must be between 1 and " + MAX_RERANK + "; got " + v);
        }
        return Map.of(RERANK, (int) v);
    }

    /** The built-in factory of int8 flat indexes (type {@code flat}; never registered as a service). */
    static final class Factory implements VectorIndexFactory {
        private final ExactScanner scanner;

        Factory(ExactScanner scanner) {
            this.scanner = scanner;
        }

        @Override
        public String type() {
            return IndexSpec.FLAT;
        }

        @Override
        public Map<String, Object> validateBuildParams(Map<String, Object> params) {
            return QuantizedFlat.validateBuildParams(params, Metric.COSINE);
        }

        @Override
        public Map<String, Object> validateQueryParams(Map<String, Object> params) {
            return QuantizedFlat.validateQueryParams(params, true);
        }

        @Override
        public VectorIndex open(IndexContext context) {
            return new Index(context.metric(), context.vectors(), scanner);
        }
    }

    /** int8 codes by ordinal, in pages of 4,096 vectors; one writer at a time (the store's publish lock). */
    static final class Index implements VectorIndex {
        private final Metric metric;
        private final boolean l2;
        private final int dim;
        private final VectorSource source;
        private final ExactScanner scanner;
        private final VectorMath math;
        private volatile byte[][] codes = new byte[0][];
        /** Per ordinal: the scale, NaN when absent (never added or removed). */
        private volatile float[][] scales = new float[0][];
        /** Per ordinal: |v|^2, for L2 only. */
        private volatile float[][] norms = new float[0][];

        private volatile int maxOrdinal;
        private int size;

        Index(Metric metric, VectorSource source, ExactScanner scanner) {
            this.metric = metric;
            this.l2 = metric == Metric.L2;
            this.dim = source.dimension();
            this.source = source;
            this.scanner = scanner;
            this.math = scanner.math();
        }

        @Override
        public synchronized void add(int ordinal, float[] vector) {
            int page = ordinal >>> PAGE_SHIFT;
            ensurePage(page);
            int slot = ordinal & (PAGE - 1);
            float maxAbs = 0;
            float norm = 0;
            for (float x : vector) {
                maxAbs = Math.max(maxAbs, Math.abs(x));
                norm += x * x;
            }
            float scale = maxAbs == 0 ? 1 : maxAbs / 127f;
            byte[] c = codes[page];
            int at = slot * dim;
            for (int i = 0; i < dim; i++) {
                c[at + i] = (byte) Math.round(vector[i] / scale);
            }
            if (l2) {
                norms[page][slot] = norm;
            }
            if (Float.isNaN(scales[page][slot])) {
                size++;
            }
            scales[page][slot] = scale;
            if (ordinal >= maxOrdinal) {
                maxOrdinal = ordinal + 1; // volatile write after the codes: readers that see the range see them
            }
        }

        private void ensurePage(int page) {
            if (page < codes.length && codes[page] != null) {
                return;
            }
            int n = Math.max(page + 1, codes.length);
            byte[][] c = Arrays.copyOf(codes, n);
            float[][] s = Arrays.copyOf(scales, n);
            float[][] m = Arrays.copyOf(norms, n);
            c[page] = new byte[PAGE * dim];
            s[page] = new float[PAGE];
            Arrays.fill(s[page], Float.NaN);
            m[page] = l2 ? new float[PAGE] : null;
            norms = m;
            scales = s;
            codes = c;
        }

        @Override
        public synchronized void remove(int ordinal) {
            int page = ordinal >>> PAGE_SHIFT;
            if (page < scales.length && scales[page] != null && !Float.isNaN(scales[page][ordinal & (PAGE - 1)])) {
                scales[page][ordinal & (PAGE - 1)] = Float.NaN;
                size--;
            }
        }

        @Override
        public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
            Object r = params.get(RERANK);
            int rerank = r instanceof Number n ? n.intValue() : DEFAULT_RERANK;
            int candidates = (int) Math.min(Integer.MAX_VALUE, (long) k * rerank);
            int max = maxOrdinal;
            byte[][] c = codes;
            float[][] s = scales;
            float[][] m = norms;
            TopK approximate = scanner.scan(max, PAGE, candidates, (from, to, heap) -> {
                int page = from >>> PAGE_SHIFT;
                if (page >= c.length || c[page] == null) {
                    return;
                }
                byte[] pageCodes = c[page];
                float[] pageScales = s[page];
                float[] pageNorms = m[page];
                for (int o = from; o < to; o++) {
                    int slot = o & (PAGE - 1);
                    float scale = pageScales[slot];
                    if (Float.isNaN(scale) || (filter != null && !filter.accept(o))) {
                        continue;
                    }
                    float dot = math.dotInt8(query, 0, pageCodes, slot * dim, dim) * scale;
                    float score = l2 ? 2 * dot - pageNorms[slot] : dot;
                    if (score >= heap.threshold()) {
                        heap.offer(o, score);
                    }
                }
            });
            int n = approximate.size();
            int[] ordinals = new int[n];
            float[] ignored = new float[n];
            approximate.drainSorted(ordinals, ignored);
            TopK exact = new TopK(k);
            float[] v = new float[dim];
            for (int o : ordinals) {
                try {
                    source.copyVector(o, v);
                } catch (IndexOutOfBoundsException e) {
                    continue; // not published in the latest snapshot (cannot happen for accepted ordinals)
                }
                float score = l2 ? -math.squareDistance(query, 0, v, 0, dim) : math.dot(query, 0, v, 0, dim);
                exact.offer(o, score);
            }
            int kept = exact.size();
            int[] outOrdinals = new int[kept];
            float[] outScores = new float[kept];
            exact.drainSorted(outOrdinals, outScores);
            if (l2) {
                Scores.negatedSquaredToNegatedDistance(outScores, kept);
            }
            return new ScoredOrdinals(outOrdinals, outScores);
        }

        @Override
        public synchronized int size() {
            return size;
        }

        @Override
        public long memoryBytes() {
            long pages = 0;
            for (byte[] p : codes) {
                if (p != null) {
                    pages++;
                }
            }
            return pages * PAGE * (dim + 4L + (l2 ? 4 : 0));
        }

        @Override
        public void close() {
            codes = new byte[0][];
            scales = new float[0][];
            norms = new float[0][];
            maxOrdinal = 0;
        }

        @Override
        public String toString() {
            return "int8 flat index (" + metric.id() + ", " + dim + " dimensions)";
        }
    }
}
