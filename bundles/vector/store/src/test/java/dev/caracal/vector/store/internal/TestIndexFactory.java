package dev.caracal.vector.store.internal;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.math.TopK;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only index plugin of type {@code exact-test}: an exact scan over its own copy of the vectors. Its build can
 * be held (adds block while {@link #gate} has no permits) to observe BUILDING, and its search can be made to fail.
 */
final class TestIndexFactory extends TestPluginFactory<TestIndexFactory.TestIndex> implements VectorIndexFactory {
    static final String TYPE = "exact-test";
    final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
    final AtomicBoolean failSearches = new AtomicBoolean();
    final AtomicInteger closed = new AtomicInteger();

    TestIndexFactory() {
        super(TYPE);
    }

    @Override
    public Map<String, Object> validateBuildParams(Map<String, Object> params) {
        Map<String, Object> out = new HashMap<>(params);
        Object m = out.getOrDefault("m", 16);
        if (!(m instanceof Number n) || n.intValue() < 2) {
            throw new InvalidRequestException("index.params.m", "m must be a number >= 2");
        }
        out.put("m", n.intValue());
        return out;
    }

    @Override
    public Map<String, Object> validateQueryParams(Map<String, Object> params) {
        Object ef = params.get("ef");
        if (ef != null && !(ef instanceof Number)) {
            throw new InvalidRequestException("params.ef", "ef must be a number");
        }
        return params;
    }

    @Override
    public VectorIndex open(IndexContext context) {
        TestIndex index = new TestIndex(context);
        index.restore();
        return track(index);
    }

    final class TestIndex implements VectorIndex {
        final IndexContext context;
        final Map<Integer, float[]> vectors = new ConcurrentHashMap<>();
        final AtomicInteger searches = new AtomicInteger();
        final AtomicInteger adds = new AtomicInteger();
        final AtomicInteger removes = new AtomicInteger();
        volatile boolean isClosed;
        volatile int restored;

        TestIndex(IndexContext context) {
            this.context = context;
        }

        @Override
        public void add(int ordinal, float[] vector) {
            gate.acquireUninterruptibly();
            gate.release();
            if (isClosed) {
                throw new IllegalStateException("closed");
            }
            vectors.put(ordinal, vector);
            adds.incrementAndGet();
        }

        @Override
        public void remove(int ordinal) {
            vectors.remove(ordinal);
            removes.incrementAndGet();
        }

        /** Writes the vectors and {@code covered} to {@code state.bin}, tagged with the index params. */
        @Override
        public void persist(int covered) {
            Path file = context.directory().resolve("state.bin");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
                out.writeUTF(context.spec().params().toString());
                out.writeInt(covered);
                out.writeInt(vectors.size());
                for (Map.Entry<Integer, float[]> e : vectors.entrySet()) {
                    out.writeInt(e.getKey());
                    out.writeInt(e.getValue().length);
                    for (float x : e.getValue()) {
                        out.writeFloat(x);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void restore() {
            Path file = context.directory().resolve("state.bin");
            if (!Files.exists(file)) {
                return;
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                if (!in.readUTF().equals(context.spec().params().toString())) {
                    return;
                }
                int covered = in.readInt();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    int o = in.readInt();
                    float[] v = new float[in.readInt()];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = in.readFloat();
                    }
                    vectors.put(o, v);
                }
                restored = covered;
            } catch (IOException e) {
                vectors.clear();
                restored = 0;
            }
        }

        @Override
        public int restoredOrdinals() {
            return restored;
        }

        @Override
        public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
            if (isClosed) {
                throw new IllegalStateException("closed");
            }
            if (failSearches.get()) {
                throw new IllegalStateException("search failure requested by the test");
            }
            searches.incrementAndGet();
            TopK top = new TopK(k);
            for (Map.Entry<Integer, float[]> e : vectors.entrySet()) {
                if (filter != null && !filter.accept(e.getKey())) {
                    continue;
                }
                top.offer(e.getKey(), score(query, e.getValue()));
            }
            int[] o = new int[top.size()];
            float[] s = new float[top.size()];
            top.drainSorted(o, s);
            return new ScoredOrdinals(o, s);
        }

        private float score(float[] q, float[] v) {
            double sum = 0;
            if (context.metric() == Metric.L2) {
                for (int i = 0; i < q.length; i++) {
                    double d = q[i] - v[i];
                    sum += d * d;
                }
                return (float) -Math.sqrt(sum);
            }
            for (int i = 0; i < q.length; i++) {
                sum += q[i] * v[i];
            }
            return (float) sum;
        }

        @Override
        public int size() {
            return vectors.size();
        }

        @Override
        public long memoryBytes() {
            return vectors.size() * (long) context.vectors().dimension() * 4;
        }

        @Override
        public void close() {
            if (!isClosed) {
                isClosed = true;
                closed.incrementAndGet();
            }
        }
    }
}
