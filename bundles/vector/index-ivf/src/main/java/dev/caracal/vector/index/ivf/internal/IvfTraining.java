package dev.caracal.vector.index.ivf.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When and how an index trains. The first training starts once enough vectors have arrived
 * ({@link #threshold()}); later ones when the data has grown by the growth factor since the last, or when new vectors
 * drift away from the centroids (their mean distance exceeds the training-time mean by the drift factor). A training
 * runs in a background thread: it reads the present ordinals, builds a new layout from the source
 * ({@link IvfLayoutBuilder}) and swaps it in ({@link IvfLayoutSlot}). When it ends the conditions are checked again,
 * since the adds made meanwhile may have grown the data enough: a bulk load ends trained on most of its vectors, not
 * on the first ones. At most one training runs at a time; a failed one leaves the previous layout in place.
 */
final class IvfTraining {
    /** The index's logger: training is what operators follow in the index's log. */
    private static final Logger LOG = LoggerFactory.getLogger(IvfIndex.class);

    private final String collection;
    private final String type;
    private final int pqM;
    private final IvfParams.Build build;
    private final IvfSettings settings;
    private final IvfLayoutSlot slot;
    private final IvfLayoutBuilder builder;
    private final AtomicBoolean training = new AtomicBoolean();
    /** Trained layouts swapped in so far. */
    final AtomicInteger trainings = new AtomicInteger();

    private volatile Thread trainer;

    IvfTraining(
            String collection,
            String type,
            int pqM,
            IvfParams.Build build,
            IvfSettings settings,
            IvfLayoutSlot slot,
            IvfLayoutBuilder builder) {
        this.collection = collection;
        this.type = type;
        this.pqM = pqM;
        this.build = build;
        this.settings = settings;
        this.slot = slot;
        this.builder = builder;
    }

    /** Vectors needed before the first training: the configured minimum, with an explicit nlist at least 40*nlist. */
    int threshold() {
        int base = settings.minTrainingSize();
        return build.nlist() > 0 ? (int) Math.max(base, Math.min(Integer.MAX_VALUE, 40L * build.nlist())) : base;
    }

    /** Starts a training in the background if the layout needs one and none runs. */
    void maybeTrain() {
        if (training.get() || slot.isClosed()) {
            return;
        }
        String reason = reason();
        if (reason != null && training.compareAndSet(false, true)) {
            LOG.info("Collection '{}': training the {} index ({})", collection, type, reason);
            Thread t = new Thread(
                    () -> {
                        try {
                            // adds made while it trained may have grown the data enough again: a bulk load ends
                            // long after the first training started, and no later add might come to trigger it
                            while (retrain() && !slot.isClosed() && reason() != null) {
                                LOG.info("Collection '{}': training the {} index again", collection, type);
                            }
                        } finally {
                            training.set(false);
                        }
                    },
                    "caracal-ivf-train-" + collection);
            t.setDaemon(true);
            trainer = t;
            t.start();
        }
    }

    /** Trains now on the calling thread unless a training is running (tests, benchmarks). */
    void trainNow() throws InterruptedException {
        while (!training.compareAndSet(false, true)) {
            awaitTraining();
        }
        try {
            retrain();
        } finally {
            training.set(false);
        }
    }

    /** Waits until no training runs (tests). */
    void awaitTraining() throws InterruptedException {
        while (training.get()) {
            Thread t = trainer;
            if (t != null) {
                t.join(100);
            } else {
                Thread.sleep(5);
            }
        }
    }

    /** Why the current layout should be trained (again), or {@code null}: enough vectors, growth, drift. */
    private String reason() {
        IvfLayout l = slot.layout();
        if (l.exact) {
            return l.size() >= threshold() ? "first training on " + l.size() + " vectors" : null;
        }
        if (l.size() >= settings.growthFactor() * Math.max(1, l.trainedSize)) {
            return "grown from " + l.trainedSize + " to " + l.size() + " vectors";
        }
        long count = l.newCount.sum();
        if (count >= Math.max(256, l.trainedSize / 20)) {
            double mean = l.newDistance.sum() / count;
            if (mean > settings.driftFactor() * l.trainMeanDistance) {
                return String.format(
                        "drift: new vectors at mean distance %.4g vs %.4g at training", mean, l.trainMeanDistance);
            }
        }
        return null;
    }

    /** Trains a new layout on the present vectors and swaps it in; returns whether it did. */
    private boolean retrain() {
        int[] ordinals = slot.beginRebuild();
        try {
            if (ordinals.length == 0) {
                slot.abortRebuild(); // or every later add keeps a copy of its vector for a rebuild that never comes
                return false;
            }
            long start = System.nanoTime();
            IvfLayout fresh = builder.build(ordinals, slot::isClosed);
            if (!slot.swapIn(fresh)) {
                return false;
            }
            trainings.incrementAndGet();
            LOG.info(
                    "Collection '{}': {} index trained: {} lists{} over {} vectors in {} ms",
                    collection,
                    type,
                    fresh.nlist,
                    pqM > 0 ? ", pqM " + pqM : "",
                    fresh.size(),
                    (System.nanoTime() - start) / 1_000_000);
            return true;
        } catch (Throwable t) {
            slot.abortRebuild();
            if (!slot.isClosed()) {
                LOG.warn(
                        "Collection '{}': training the {} index failed; it keeps its previous structure",
                        collection,
                        type,
                        t);
            }
            return false;
        }
    }
}
