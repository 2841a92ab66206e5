package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.TargetHealth.BreakerState;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A circuit breaker of one target. CLOSED passes calls and counts consecutive failures; at the threshold it opens for
 * the first open period. OPEN refuses calls until its retry time, then turns HALF_OPEN and lets a limited number of
 * probes through: a probe that succeeds closes it (and resets the backoff), one that fails opens it again for twice
 * the previous period, capped.
 *
 * <p>Lock-free: the state is an immutable snapshot swapped by compare-and-set. A success on a healthy breaker reads
 * one reference and writes nothing, so the hot path neither allocates nor contends.
 */
final class Breaker {

    /** What a call was let through as; {@code null} from {@link #tryAcquire} means refused. */
    enum Permit {
        /** A call through a closed breaker. */
        NORMAL,
        /** A probe of a half-open breaker; its outcome decides the breaker's state. */
        PROBE
    }

    /** An immutable state: consecutive failures, the current open period, the retry time and probes in flight. */
    record State(BreakerState state, int consecutiveFailures, long openNanos, long retryAtNanos, int probes) {}

    private static final State HEALTHY = new State(BreakerState.CLOSED, 0, 0, 0, 0);

    private final AtomicReference<State> state = new AtomicReference<>(HEALTHY);

    State state() {
        return state.get();
    }

    /** Whether a call now would be let through, without taking a probe slot (for ordering targets). */
    boolean allows(long now, Settings settings) {
        State s = state.get();
        return switch (s.state()) {
            case CLOSED -> true;
            case OPEN -> now - s.retryAtNanos() >= 0;
            case HALF_OPEN -> s.probes() < settings.halfOpenProbes();
        };
    }

    /** Lets a call through (possibly as a probe) or refuses it with {@code null}. */
    Permit tryAcquire(long now, Settings settings) {
        while (true) {
            State s = state.get();
            State next;
            switch (s.state()) {
                case CLOSED:
                    return Permit.NORMAL;
                case OPEN:
                    if (now - s.retryAtNanos() < 0) {
                        return null;
                    }
                    next = new State(
                            BreakerState.HALF_OPEN, s.consecutiveFailures(), s.openNanos(), s.retryAtNanos(), 1);
                    break;
                default:
                    if (s.probes() >= settings.halfOpenProbes()) {
                        return null;
                    }
                    next = new State(
                            BreakerState.HALF_OPEN,
                            s.consecutiveFailures(),
                            s.openNanos(),
                            s.retryAtNanos(),
                            s.probes() + 1);
                    break;
            }
            if (state.compareAndSet(s, next)) {
                return Permit.PROBE;
            }
        }
    }

    /** A call let through as {@code permit} succeeded. */
    void onSuccess(Permit permit) {
        while (true) {
            State s = state.get();
            if (s == HEALTHY) {
                return;
            }
            boolean close =
                    s.state() == BreakerState.CLOSED || (s.state() == BreakerState.HALF_OPEN && permit == Permit.PROBE);
            if (!close) {
                return; // a late answer of a call started before the breaker opened: the probes decide
            }
            if (state.compareAndSet(s, HEALTHY)) {
                return;
            }
        }
    }

    /** A call let through as {@code permit} failed with a retryable error at {@code now}. */
    void onFailure(Permit permit, long now, Settings settings) {
        while (true) {
            State s = state.get();
            State next;
            if (s.state() == BreakerState.CLOSED) {
                int failures = s.consecutiveFailures() + 1;
                if (failures >= settings.failureThreshold()) {
                    long period = settings.openNanos();
                    next = new State(BreakerState.OPEN, failures, period, now + period, 0);
                } else {
                    next = new State(BreakerState.CLOSED, failures, 0, 0, 0);
                }
            } else if (s.state() == BreakerState.HALF_OPEN && permit == Permit.PROBE) {
                long previous = Math.max(s.openNanos(), settings.openNanos());
                long period = previous >= settings.maxOpenNanos() / 2 ? settings.maxOpenNanos() : previous * 2;
                next = new State(BreakerState.OPEN, s.consecutiveFailures() + 1, period, now + period, 0);
            } else {
                return; // already open, or a non-probe call finishing while half-open
            }
            if (state.compareAndSet(s, next)) {
                return;
            }
        }
    }

    /** A call ended without a verdict on the target (a request error, a cancel): frees its probe slot. */
    void release(Permit permit) {
        if (permit != Permit.PROBE) {
            return;
        }
        while (true) {
            State s = state.get();
            if (s.state() != BreakerState.HALF_OPEN || s.probes() == 0) {
                return;
            }
            State next = new State(
                    BreakerState.HALF_OPEN, s.consecutiveFailures(), s.openNanos(), s.retryAtNanos(), s.probes() - 1);
            if (state.compareAndSet(s, next)) {
                return;
            }
        }
    }
}
