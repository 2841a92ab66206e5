package dev.caracal.vector.store.internal;

import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The commit leadership of a collection's {@link GroupCommitter}: one thread at a time holds the baton and commits (a
 * commit group, a spec change, a recovery, the final commit); the others wait on its monitor. It also knows how far the
 * writes are durable (raised by a leader as it hands the baton back) and how far they were lost to a storage failure,
 * so a waiting writer learns whether its batch is durable, was dropped, or needs a leader.
 *
 * <h2>Waiting</h2>
 * A writer whose batch is queued, and a spec change, keep waiting when interrupted: an acknowledged write must be
 * durable, a change durable or refused. The interrupt is recorded in {@link Interrupts} and given back by the caller
 * once its commit is done. A recovery keeps waiting too (unless the collection closes), and gets its interrupt back
 * as soon as it holds the baton. At close, the waits after the final commit (for the deferred removals, then to keep
 * the baton for good) stop at an interrupt.
 *
 * <p>Lock order: the baton is taken before the write lock ({@link WriteQueue}), never while holding it; the monitor
 * itself is held only to take or hand back the baton, never across I/O or another lock.
 */
final class CommitBaton {
    /**
     * Interrupts that came while a thread waited for the baton and did not stop it; {@link #restore} sets the thread's
     * interrupt status again.
     */
    static final class Interrupts {
        private boolean seen;

        /** Notes an interrupt the thread received. */
        void note() {
            seen = true;
        }

        /**
         * Clears the thread's interrupt status before I/O, remembering it: an interrupt closes a {@code FileChannel}
         * that is read or written, which the store would take for a failure of the disk.
         */
        void clear() {
            if (Thread.interrupted()) {
                seen = true;
            }
        }

        void restore() {
            if (seen) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The exception a writer gets for a storage failure's cause. */
    private final Function<Throwable, ? extends RuntimeException> refusal;

    // guarded by monitor
    private final Object monitor = new Object();
    private boolean committing;
    private long durableSeq;

    /** Batches up to this sequence not durable yet were dropped by a failure (never acknowledged), with its cause. */
    private volatile long lostUpTo;

    private volatile Throwable lostCause;

    /** @param refusal the exception a writer gets for a storage failure's cause */
    CommitBaton(Function<Throwable, ? extends RuntimeException> refusal) {
        this.refusal = refusal;
    }

    /**
     * Waits for the baton; {@code false} when {@code closing} says the collection closed meanwhile. Interrupts do not
     * stop the wait; the thread's interrupt status is set again when it returns.
     */
    boolean acquireUnlessClosing(BooleanSupplier closing) {
        boolean interrupted = false;
        try {
            synchronized (monitor) {
                while (committing) {
                    if (closing.getAsBoolean()) {
                        return false;
                    }
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                committing = true;
                return true;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits for the baton, for a change that must be durable or refused: throws the refusal of {@code failure} as soon
     * as it says writes are refused; interrupts are recorded in {@code interrupts} and the wait goes on.
     */
    void acquireUnlessFailed(Supplier<Throwable> failure, Interrupts interrupts) {
        synchronized (monitor) {
            while (true) {
                Throwable f = failure.get();
                if (f != null) {
                    throw refusal.apply(f);
                }
                if (!committing) {
                    committing = true;
                    return;
                }
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupts.seen = true; // the change must be durable or refused: keep waiting
                }
            }
        }
    }

    /**
     * Waits until batch {@code seq} is durable ({@code false}) or nobody leads: then the caller holds the baton and
     * leads the next commit ({@code true}). Throws the refusal when a failure dropped the batch. Interrupts are
     * recorded in {@code interrupts} and the wait goes on.
     */
    boolean leadUnlessDurable(long seq, Interrupts interrupts) {
        synchronized (monitor) {
            while (true) {
                if (durableSeq >= seq) {
                    return false;
                }
                if (seq <= lostUpTo) {
                    throw refusal.apply(lostCause);
                }
                if (!committing) {
                    committing = true;
                    return true;
                }
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupts.seen = true; // an acknowledged write must be durable: keep waiting
                }
            }
        }
    }

    /** Waits for the baton; {@code false} when interrupted meanwhile (the thread's interrupt status is set again). */
    boolean acquireUnlessInterrupted() {
        synchronized (monitor) {
            if (!awaitNoLeader()) {
                return false;
            }
            committing = true;
            return true;
        }
    }

    /**
     * Waits until nobody leads (or until interrupted: the thread's interrupt status is set again) and then holds the
     * baton for good: nothing is committed afterwards.
     */
    void keepForGood() {
        synchronized (monitor) {
            awaitNoLeader();
            committing = true; // nobody commits after this point
        }
    }

    /** Holding the monitor, waits until nobody leads; {@code false} when interrupted first (status set again). */
    private boolean awaitNoLeader() {
        while (committing) {
            try {
                monitor.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Hands the baton back and wakes the waiters. */
    void release() {
        synchronized (monitor) {
            committing = false;
            monitor.notifyAll();
        }
    }

    /** Hands the baton back after a commit that made every batch up to {@code reached} durable. */
    void releaseDurable(long reached) {
        synchronized (monitor) {
            durableSeq = Math.max(durableSeq, reached);
            committing = false;
            monitor.notifyAll();
        }
    }

    /** A failure dropped every batch up to {@code upTo} not durable yet (never acknowledged). Leader only. */
    void markLost(long upTo, Throwable cause) {
        lostCause = cause;
        lostUpTo = upTo;
    }
}
