package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.Target;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's walk over the targets of its route, in the order the route's strategy gives: {@link #next()} skips absent
 * providers and refusing breakers, stops at {@code maxAttempts}, and makes the next usable target the attempt in
 * progress (its provider, breaker permit and start time); every skip and failure is noted in the {@link Outcomes} that
 * {@link #exhausted()} reports. Shared by the blocking and the asynchronous completion and embeddings (which also
 * share {@link #settle}, the bookkeeping of one attempt's outcome) and by streams (which settle their legs themselves).
 *
 * <p>Not thread-safe: it serves one attempt at a time. A call that continues on another thread (an attempt answered
 * later) hands the walk over through a happens-before edge: the completion of a stage, or a lock.
 *
 * @param <S> the service the targets reach: a chat provider, an embedding model
 */
final class TargetWalk<S> {
    private static final Logger LOG = LoggerFactory.getLogger(TargetWalk.class);

    private final Ticker ticker;
    private final CallContext context;
    private final RoutePlan<S> plan;
    private final String requested;
    private final Settings settings;
    private final int[] order;
    private final int limit;
    private int position;
    private int tries;
    private Outcomes outcomes;

    /** The attempt in progress, set by {@link #next()}. */
    Target target;

    String model;
    S provider;
    TargetState state;
    Breaker.Permit permit;
    long startNanos;

    TargetWalk(Ticker ticker, CallContext context, RoutePlan<S> plan, String requested, Settings settings) {
        this.ticker = ticker;
        this.context = context;
        this.plan = plan;
        this.requested = requested;
        this.settings = settings;
        this.order = plan.order(ticker.nanos(), settings);
        this.limit = settings.maxAttempts() == 0 ? Integer.MAX_VALUE : settings.maxAttempts();
    }

    /**
     * Makes the next target that may be tried the attempt in progress, its breaker permit taken and the target marked
     * tried; {@code false} when no target is left (or {@code maxAttempts} is reached).
     */
    boolean next() {
        while (position < order.length) {
            int i = order[position++];
            Target t = plan.targets[i];
            String m = plan.upstreamModel(i, requested);
            if (tries >= limit) {
                outcomes().limited();
                return false;
            }
            S p = plan.service(i, m);
            if (p == null) {
                outcomes().absent(t.providerId(), m, plan.absence());
                continue;
            }
            TargetState s = plan.states[i];
            long now = ticker.nanos();
            Breaker.Permit granted = s.breaker.tryAcquire(now, settings);
            if (granted == null) {
                outcomes().refused(t.providerId(), m, s.breaker.state(), now);
                continue;
            }
            tries++;
            s.markTried();
            target = t;
            model = m;
            provider = p;
            state = s;
            permit = granted;
            startNanos = now;
            return true;
        }
        return false;
    }

    /**
     * Records how the attempt in progress of a non-streamed call ended: {@code response} when it answered, or the
     * {@code error} it failed with (anything but an {@link LlmException} counts as a CONNECTION failure, no answer as
     * an UPSTREAM one). Returns the answer to serve the call with, or {@code null} when the failure was retryable and
     * the next target is to be tried; a non-retryable failure ends the call at once and is thrown, as the
     * {@link GatewayException} to report. An answer names its target's provider in the call's response headers.
     */
    <R> R settle(R response, Throwable error) {
        LlmException failure;
        long end;
        if (error == null && response != null) {
            end = ticker.nanos();
            state.succeeded(permit);
            state.recordLatency(end - startNanos, end, settings.halfLifeNanos());
            context.recordAttempt(Outcomes.attempt(target, model, end - startNanos, null));
            served(context, target);
            return response;
        }
        failure = error != null
                ? Outcomes.asLlm(target, error)
                : new LlmException(ErrorKind.UPSTREAM, "provider '" + target.providerId() + "' returned no answer");
        end = ticker.nanos();
        context.recordAttempt(Outcomes.attempt(target, model, end - startNanos, failure));
        if (!failure.retryable()) {
            state.rejected(permit, failure.kind() + ": " + failure.getMessage());
            throw Outcomes.rejected(failure, context);
        }
        state.failed(permit, failure.kind() + ": " + failure.getMessage(), end, settings);
        LOG.debug("Call {}: {} failed ({}); trying the next target", context.requestId(), target, failure.kind());
        outcomes().failed(target.providerId(), model, failure);
        return null;
    }

    /** Tells the client which provider served the call ({@link CallContext#PROVIDER_HEADER}). */
    static void served(CallContext context, Target target) {
        context.setResponseHeader(CallContext.PROVIDER_HEADER, target.providerId());
    }

    /** The skips and failures so far. */
    Outcomes outcomes() {
        if (outcomes == null) {
            outcomes = new Outcomes();
        }
        return outcomes;
    }

    /** The failure that reports a call no target served. */
    GatewayException exhausted() {
        return outcomes().exhausted(plan.route.name(), context);
    }
}
