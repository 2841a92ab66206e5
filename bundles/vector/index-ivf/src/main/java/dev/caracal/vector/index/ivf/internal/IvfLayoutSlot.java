package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.math.VectorMath;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The current {@link IvfLayout} of an index and the writes made to it. Adds and removes go to the current layout under
 * the read side of the swap lock; while a rebuild runs they are also logged, and the rebuilt layout replays the log
 * under the write side as it is swapped in, so that no write made during a training is lost. Searches read the
 * current layout without locking.
 *
 * <p>Closing replaces the layout by an empty one and makes any later swap fail.
 */
final class IvfLayoutSlot {
    /** A logged write: an add of {@code vector}, or a removal when it is {@code null}. */
    private record Op(int ordinal, float[] vector) {}

    private final int dim;
    private final VectorMath kernels;
    private final ReentrantReadWriteLock swapLock = new ReentrantReadWriteLock();
    private volatile IvfLayout layout;
    private volatile Queue<Op> pending;
    private volatile boolean closed;

    IvfLayoutSlot(int dim, VectorMath kernels) {
        this.dim = dim;
        this.kernels = kernels;
        this.layout = IvfLayout.untrained(dim);
    }

    IvfLayout layout() {
        return layout;
    }

    boolean isClosed() {
        return closed;
    }

    /** Adds (or replaces) {@code ordinal} with {@code vector}, counted towards drift; logged while a rebuild runs. */
    void insert(int ordinal, float[] vector) {
        swapLock.readLock().lock();
        try {
            layout.insert(ordinal, vector, kernels, true);
            Queue<Op> log = pending;
            if (log != null) {
                log.add(new Op(ordinal, vector.clone()));
            }
        } finally {
            swapLock.readLock().unlock();
        }
    }

    /** Removes {@code ordinal}; logged while a rebuild runs. */
    void delete(int ordinal) {
        swapLock.readLock().lock();
        try {
            layout.delete(ordinal);
            Queue<Op> log = pending;
            if (log != null) {
                log.add(new Op(ordinal, null));
            }
        } finally {
            swapLock.readLock().unlock();
        }
    }

    /** Whether writes are being logged for a rebuild in progress. */
    boolean rebuilding() {
        return pending != null;
    }

    /** Starts logging writes for a rebuild; returns the ordinals held now, which the rebuild is to hold. */
    int[] beginRebuild() {
        swapLock.writeLock().lock();
        try {
            int[] ordinals = layout.presentOrdinals();
            pending = new ConcurrentLinkedQueue<>();
            return ordinals;
        } finally {
            swapLock.writeLock().unlock();
        }
    }

    /**
     * Replays the writes logged since {@link #beginRebuild} on {@code fresh} and makes it the current layout; false
     * (and {@code fresh} dropped) when the slot was closed meanwhile. Either way the log ends.
     */
    boolean swapIn(IvfLayout fresh) {
        swapLock.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            for (Op op : pending) {
                if (op.vector() == null) {
                    fresh.delete(op.ordinal());
                } else {
                    fresh.insert(op.ordinal(), op.vector(), kernels, false);
                }
            }
            layout = fresh;
            return true;
        } finally {
            pending = null;
            swapLock.writeLock().unlock();
        }
    }

    /** Ends a rebuild that failed: stops logging writes. */
    void abortRebuild() {
        swapLock.writeLock().lock();
        pending = null;
        swapLock.writeLock().unlock();
    }

    /** Makes {@code restored} the current layout (a reloaded one, before the index is handed out). */
    void replace(IvfLayout restored) {
        swapLock.writeLock().lock();
        try {
            layout = restored;
        } finally {
            swapLock.writeLock().unlock();
        }
    }

    /** The write side of the swap lock: held, the layout neither changes nor is swapped (searches go on). */
    Lock exclusive() {
        return swapLock.writeLock();
    }

    /** Releases the layout; later swaps fail. */
    void close() {
        closed = true;
        swapLock.writeLock().lock();
        try {
            layout = IvfLayout.untrained(dim);
        } finally {
            swapLock.writeLock().unlock();
        }
    }
}
