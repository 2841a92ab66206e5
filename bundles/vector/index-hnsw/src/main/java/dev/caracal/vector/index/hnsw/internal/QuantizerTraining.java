package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When and on what the int8 quantizer of an index is trained: before the first vector goes in, on up to
 * {@value #TRAIN_SAMPLE} live vectors of the store (evenly spread over its ordinals) plus that vector. If that sample
 * is small (a collection that is being filled), the quantizer is retrained from the store each time the index
 * doubles, until it has been trained on {@value #TRAIN_SAMPLE} vectors; after that it is fixed (values outside its
 * range are clamped).
 */
final class QuantizerTraining {
    private static final Logger LOG = LoggerFactory.getLogger(QuantizerTraining.class);
    /** The most vectors the quantizer is trained on. */
    static final int TRAIN_SAMPLE = 4096;

    private final String collection;
    private final int dimension;
    private final VectorSource source;
    private final HnswGraph graph;
    private final Int8VectorScorer scorer;
    private final Object trainLock = new Object();
    /** The size at which the quantizer is retrained (while it was trained on fewer than TRAIN_SAMPLE). */
    private volatile int retrainAt = Integer.MAX_VALUE;

    QuantizerTraining(IndexContext context, HnswGraph graph, Int8VectorScorer scorer) {
        this.collection = context.collection();
        this.dimension = context.vectors().dimension();
        this.source = context.vectors();
        this.graph = graph;
        this.scorer = scorer;
    }

    int retrainAt() {
        return retrainAt;
    }

    /** Restores when to retrain (a loaded index). */
    void retrainAt(int size) {
        retrainAt = size;
    }

    boolean retrainDue(int size) {
        return size >= retrainAt;
    }

    /** Trains the quantizer, unless another thread has, before {@code first} is added. */
    void trainFirst(float[] first) {
        synchronized (trainLock) {
            if (scorer.quantizer() != null) {
                return;
            }
            float[][] sample = sample(first);
            int count = count(sample);
            scorer.quantizer(Int8Quantizer.train(sample, count, dimension));
            retrainAt = count >= TRAIN_SAMPLE ? Integer.MAX_VALUE : 2 * count;
            LOG.debug("Collection '{}': hnsw int8 quantizer trained on {} vectors", collection, count);
        }
    }

    /**
     * Retrains the quantizer on a larger sample and re-encodes every node from the store's vectors, if it is due and
     * the sample is larger than the last one (the caller has excluded all other use of the index).
     */
    void retrain() {
        Int8Quantizer old = scorer.quantizer();
        if (graph.size() < retrainAt || old == null) {
            return;
        }
        float[][] sample = sample(null);
        int count = count(sample);
        int size = graph.size();
        retrainAt = size >= TRAIN_SAMPLE || count >= TRAIN_SAMPLE ? Integer.MAX_VALUE : 2 * size;
        if (count <= old.trainedOn) {
            return; // no better sample
        }
        Int8Quantizer fresh = Int8Quantizer.train(sample, count, dimension);
        GraphPages pages = graph.pages();
        float[] vector = new float[dimension];
        for (int node = 0, end = graph.limit(); node < end; node++) {
            if (pages.levelOf(node) < 0) {
                continue;
            }
            try {
                source.copyVector(node, vector);
            } catch (RuntimeException e) {
                scorer.copyStored(node, vector); // not in the store (any more): re-encode what we have
            }
            scorer.encode(node, vector, fresh);
        }
        scorer.quantizer(fresh);
        LOG.debug(
                "Collection '{}': hnsw int8 quantizer retrained on {} vectors ({} in the index)",
                collection,
                count,
                size);
    }

    /** Up to TRAIN_SAMPLE live vectors of the store, evenly spread, then {@code extra} (if given and room). */
    private float[][] sample(float[] extra) {
        float[][] sample = new float[TRAIN_SAMPLE][];
        int n = 0;
        try {
            int max = source.maxOrdinal();
            int target = Math.min(max, extra == null ? TRAIN_SAMPLE : TRAIN_SAMPLE - 1);
            for (int i = 0; i < target; i++) {
                int o = (int) ((long) i * max / target);
                if (source.isLive(o)) {
                    float[] v = new float[dimension];
                    source.copyVector(o, v);
                    sample[n++] = v;
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Collection '{}': reading the int8 training sample stopped early", collection, e);
        }
        if (extra != null) {
            sample[n++] = extra;
        }
        if (n == 0) {
            // no vector at all: fall back to the vectors the index holds (retraining without a source)
            GraphPages pages = graph.pages();
            for (int node = 0, end = graph.limit(); node < end && n < TRAIN_SAMPLE; node++) {
                if (pages.levelOf(node) >= 0 && !pages.isTombstoned(node)) {
                    float[] v = new float[dimension];
                    scorer.copyStored(node, v);
                    sample[n++] = v;
                }
            }
        }
        return sample;
    }

    /** How many vectors {@code sample} holds (they come first). */
    private static int count(float[][] sample) {
        int count = 0;
        while (count < sample.length && sample[count] != null) {
            count++;
        }
        return count;
    }
}
