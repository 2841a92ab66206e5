package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorSource;
import dev.caracal.vector.math.TopK;
import dev.caracal.vector.math.VectorMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IVF index (ivf: full vectors in the lists; ivf-pq: PQ codes of residuals, re-ranked on full vectors). It
 * coordinates the parts that do the work:
 *
 * <ul>
 *   <li>{@link IvfLayoutSlot} holds the current {@link IvfLayout} (centroids, {@link InvertedList}s, PQ codebooks)
 *       and applies adds and removes to it;
 *   <li>{@link IvfTraining} decides when to (re)train and runs it in the background: {@link IvfLayoutBuilder} builds
 *       a new layout from the {@link VectorSource} ({@link KMeans}, {@link ProductQuantizer}), the slot swaps it in
 *       with the writes made meanwhile replayed;
 *   <li>{@link IvfSearcher} searches a layout (probing, PQ scans, re-ranking, exact scans);
 *   <li>{@link IvfPersistence} writes and reloads a layout.
 * </ul>
 *
 * <p>Life cycle: vectors first go to an untrained layout searched exactly. Once enough have arrived, k-means trains in
 * a background thread on a sample read from the source, and the trained layout is swapped in atomically. The same
 * happens when the data has grown by the growth factor or new vectors drift away from the centroids (see
 * {@link IvfTraining}).
 *
 * <p>Scores: COSINE and DOT by dot product (cosine vectors arrive unit length), L2 as the negated Euclidean
 * distance, MANHATTAN (ivf only) as the negated L1 distance ({@link IvfScoring}). Coarse assignment and probing use
 * Euclidean distance to the centroids for every metric. Any other metric is refused when the index is constructed.
 *
 * <p>Persistence: {@link #persist(int)} writes the current layout with its covered ordinals ({@link IvfPersistence});
 * the factory calls {@link #restore()} before handing the index out, which reloads it only when it was written for
 * the same type, metric, dimension and build parameters and is intact.
 *
 * <p>Closing releases the layout; a closed index refuses adds, removes, searches and persisting.
 */
final class IvfIndex implements VectorIndex {
    private static final Logger LOG = LoggerFactory.getLogger(IvfIndex.class);
    private static final ScoredOrdinals EMPTY = new ScoredOrdinals(new int[0], new float[0]);

    private final String type;
    private final String collection;
    private final VectorSource source;
    private final int dim;
    private final IvfLayoutSlot slot;
    private final IvfTraining training;
    private final IvfSearcher searcher;
    /** Trained layouts swapped in so far (the training's counter; tests read it here). */
    final AtomicInteger trainings;

    private volatile boolean exactLogged;
    private final Path directory;
    private final IvfPersistence.Identity identity;
    private volatile int restored;

    IvfIndex(String type, IndexContext context, IvfParams.Build build, int pqM, IvfSettings settings) {
        this.type = type;
        this.collection = context.collection();
        this.source = context.vectors();
        Metric metric = context.metric();
        IvfScoring scoring = IvfScoring.of(type, metric, pqM > 0);
        this.dim = source.dimension();
        VectorMath kernels = VectorMath.get();
        this.slot = new IvfLayoutSlot(dim, kernels);
        IvfLayoutBuilder builder = new IvfLayoutBuilder(source, scoring, dim, pqM, build, settings, kernels);
        this.training = new IvfTraining(collection, type, pqM, build, settings, slot, builder);
        this.trainings = training.trainings;
        this.searcher = new IvfSearcher(source, scoring, dim, pqM, build, kernels);
        this.directory = context.directory();
        this.identity = new IvfPersistence.Identity(type, metric, dim, build, pqM);
    }

    // ------------------------------------------------------------------------------------------------ writes

    /** Indexes {@code vector}, or when it is {@code null} the vector of {@code ordinal} read from the source. */
    @Override
    public void add(int ordinal, float[] vector) {
        checkOpen();
        if (ordinal < 0) {
            throw new IllegalArgumentException("negative ordinal " + ordinal);
        }
        if (vector == null) {
            vector = new float[dim];
            source.copyVector(ordinal, vector);
        } else if (vector.length != dim) {
            throw new IllegalArgumentException("vector of " + vector.length + " dimensions, expected " + dim);
        }
        slot.insert(ordinal, vector);
        training.maybeTrain();
    }

    @Override
    public void remove(int ordinal) {
        checkOpen();
        slot.delete(ordinal);
    }

    /** Trains now on the calling thread unless a training is running (tests, benchmarks). */
    /** Whether writes are being logged for a training in progress (tests). */
    boolean rebuilding() {
        return slot.rebuilding();
    }

    void trainNow() throws InterruptedException {
        training.trainNow();
    }

    /** Waits until no training runs (tests). */
    void awaitTraining() throws InterruptedException {
        training.awaitTraining();
    }

    IvfLayout layout() {
        return slot.layout();
    }

    // ------------------------------------------------------------------------------------------------ search

    @Override
    public ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params) {
        checkOpen();
        if (query == null || query.length != dim) {
            throw new IllegalArgumentException(
                    "query of " + (query == null ? 0 : query.length) + " dimensions, expected " + dim);
        }
        IvfLayout l = slot.layout();
        int live = l.size();
        if (live == 0 || k <= 0) {
            return EMPTY;
        }
        if (l.exact && !exactLogged) {
            exactLogged = true;
            LOG.info(
                    "Collection '{}': the {} index answers by exact scan until {} vectors have arrived to train "
                            + "on ({} so far)",
                    collection,
                    type,
                    training.threshold(),
                    live);
        }
        return searcher.search(l, live, query, k, filter, params);
    }

    /** See {@link IvfSearcher#scanCodes} (kept here for the tests that call it). */
    static void scanCodes(InvertedList list, float[] table, float base, OrdinalFilter filter, TopK top) {
        IvfSearcher.scanCodes(list, table, base, filter, top);
    }

    /** See {@link IvfSearcher#drain} (kept here for the tests that call it). */
    static ScoredOrdinals drain(TopK top, boolean l2) {
        return IvfSearcher.drain(top, l2);
    }

    // ------------------------------------------------------------------------------------------------ persistence

    private Path file() {
        return directory == null ? null : directory.resolve(IvfPersistence.fileName(type));
    }

    /**
     * Reloads the persisted state from the context directory if there is one written for this metric, dimension and
     * build parameters and it passes its integrity checks; otherwise the index stays empty and says why in the log.
     * Called once by the factory before the index is handed out.
     */
    void restore() {
        Path file = file();
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        long start = System.nanoTime();
        try {
            IvfPersistence.Loaded loaded = IvfPersistence.load(file, identity, source.maxOrdinal());
            if (loaded.covered() == 0) {
                return;
            }
            slot.replace(loaded.layout());
            restored = loaded.covered();
            LOG.info(
                    "Collection '{}': reloaded the persisted {} index ({} vectors, {}, covering ordinals below {}) "
                            + "in {} ms",
                    collection,
                    type,
                    loaded.layout().size(),
                    loaded.layout().exact ? "not trained yet" : loaded.layout().nlist + " lists",
                    loaded.covered(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IvfPersistence.Mismatch e) {
            LOG.info(
                    "Collection '{}': not reloading the persisted {} index {}: {}; it is rebuilt",
                    collection,
                    type,
                    file,
                    e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Collection '{}': ignoring the persisted {} index {} ({}); it is rebuilt",
                    collection,
                    type,
                    file,
                    e.toString());
        }
        training.maybeTrain(); // a state persisted before (re)training finished trains now rather than at the next add
    }

    @Override
    public int restoredOrdinals() {
        return restored;
    }

    /**
     * Writes the current layout (whether trained or not) to the context directory. Holds the swap lock's write side,
     * so adds, removes and a finishing training wait; searches go on. A training still running in the background is
     * not waited for: the layout it replaces is persisted, and the reopened index trains again if it needs to.
     */
    @Override
    public void persist(int coveredOrdinals) {
        Path file = file();
        if (file == null) {
            return;
        }
        if (coveredOrdinals < 0) {
            throw new IllegalArgumentException("coveredOrdinals must not be negative; got " + coveredOrdinals);
        }
        Lock exclusive = slot.exclusive();
        exclusive.lock();
        try {
            checkOpen();
            long start = System.nanoTime();
            IvfLayout l = slot.layout();
            IvfPersistence.save(directory, file.getFileName().toString(), identity, l, coveredOrdinals);
            LOG.info(
                    "Collection '{}': persisted the {} index ({} vectors, covering ordinals below {}) in {} ms",
                    collection,
                    type,
                    l.size(),
                    coveredOrdinals,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file); // an older state is no better than a rebuild
            } catch (IOException ignored) {
                // reported below
            }
            throw new UncheckedIOException("persisting the " + type + " index of '" + collection + "' failed", e);
        } finally {
            exclusive.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ misc

    @Override
    public int size() {
        return slot.layout().size();
    }

    @Override
    public long memoryBytes() {
        return slot.layout().memoryBytes();
    }

    @Override
    public void close() {
        slot.close();
    }

    private void checkOpen() {
        if (slot.isClosed()) {
            throw new IllegalStateException("the " + type + " index of collection '" + collection + "' is closed");
        }
    }
}
