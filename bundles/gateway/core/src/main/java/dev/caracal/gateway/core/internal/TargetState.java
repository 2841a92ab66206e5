package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Target;
import dev.caracal.gateway.TargetHealth;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the gateway tracks per target (provider instance + model), shared by every route that lists the target: its
 * breaker, success and failure counts, the latency average and the last error.
 *
 * <p>The latency is an exponentially weighted moving average decayed by time: a sample taken {@code dt} after the
 * previous one weighs {@code 1 - 2^(-dt/halfLife)} (at least {@value #MIN_WEIGHT}, so a burst of samples still moves
 * it). It is updated under this object's own monitor, never a global lock.
 */
final class TargetState {
    static final double MIN_WEIGHT = 1.0 / 16;

    final Target target;
    final Breaker breaker = new Breaker();
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean tried;
    private volatile double latencyMillis;
    private volatile boolean hasLatency;
    private volatile String lastError;
    private long lastSampleNanos; // guarded by this

    TargetState(Target target) {
        this.target = target;
    }

    /** A call was made to this target (it is no longer "untried" for least-latency ordering). */
    void markTried() {
        if (!tried) {
            tried = true;
        }
    }

    boolean tried() {
        return tried;
    }

    boolean hasLatency() {
        return hasLatency;
    }

    double latencyMillis() {
        return latencyMillis;
    }

    void succeeded(Breaker.Permit permit) {
        successes.increment();
        breaker.onSuccess(permit);
    }

    /** A retryable failure: counts against the breaker. */
    void failed(Breaker.Permit permit, String error, long now, Settings settings) {
        failures.increment();
        lastError = error;
        breaker.onFailure(permit, now, settings);
    }

    /** A failure that says nothing about the target's health (a bad request): frees a probe slot only. */
    void rejected(Breaker.Permit permit, String error) {
        lastError = error;
        breaker.release(permit);
    }

    /** The call was cancelled by its caller before an outcome. */
    void abandoned(Breaker.Permit permit) {
        breaker.release(permit);
    }

    void recordLatency(long latencyNanos, long now, long halfLifeNanos) {
        double sample = latencyNanos / 1e6;
        synchronized (this) {
            if (!hasLatency) {
                latencyMillis = sample;
                hasLatency = true;
            } else {
                double dt = Math.max(0, now - lastSampleNanos);
                double weight = Math.max(MIN_WEIGHT, 1 - Math.pow(2, -dt / halfLifeNanos));
                latencyMillis = latencyMillis + weight * (sample - latencyMillis);
            }
            lastSampleNanos = now;
        }
    }

    TargetHealth health(boolean providerPresent, Ticker ticker) {
        Breaker.State s = breaker.state();
        Instant retryAt = s.state() == TargetHealth.BreakerState.CLOSED ? null : ticker.instantAt(s.retryAtNanos());
        return new TargetHealth(
                target,
                s.state(),
                providerPresent,
                s.consecutiveFailures(),
                successes.sum(),
                failures.sum(),
                hasLatency ? latencyMillis : 0,
                retryAt,
                lastError);
    }
}
