package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Target;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the filter chain: tries the targets of a resolved route in the order its strategy gives, skipping
 * absent providers and refusing breakers, falling back on retryable failures and stopping at the first
 * non-retryable one. Each target is tried at most once per call (providers retry on their own).
 */
final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private final Ticker ticker;
    /** Streams in flight per provider service, ended with an error (and so failed over) if the provider leaves. */
    private final Map<ChatModel, Set<StreamCall.Leg>> streaming = new ConcurrentHashMap<>();

    Router(Ticker ticker) {
        this.ticker = ticker;
    }

    Ticker ticker() {
        return ticker;
    }

    ChatResponse complete(CallContext context, ChatRequest request, RoutePlan plan, String requested,
                          Settings settings) {
        long now = ticker.nanos();
        int[] order = plan.order(now, settings);
        int limit = settings.maxAttempts() == 0 ? Integer.MAX_VALUE : settings.maxAttempts();
        int tries = 0;
        Outcomes outcomes = null;
        for (int i : order) {
            Target target = plan.targets[i];
            String model = plan.upstreamModel(i, requested);
            if (tries >= limit) {
                (outcomes == null ? outcomes = new Outcomes() : outcomes).limited();
                break;
            }
            ChatModel provider = plan.models[i];
            if (provider == null) {
                (outcomes == null ? outcomes = new Outcomes() : outcomes).absent(target.providerId(), model);
                continue;
            }
            TargetState state = plan.states[i];
            long start = ticker.nanos();
            Breaker.Permit permit = state.breaker.tryAcquire(start, settings);
            if (permit == null) {
                (outcomes == null ? outcomes = new Outcomes() : outcomes)
                        .refused(target.providerId(), model, state.breaker.state(), start);
                continue;
            }
            tries++;
            state.markTried();
            LlmException failure;
            try {
                ChatResponse response = provider.complete(request.withModel(model));
                if (response == null) {
                    throw new LlmException(ErrorKind.UPSTREAM, "provider '" + target.providerId() + "' returned no answer");
                }
                long end = ticker.nanos();
                state.succeeded(permit);
                state.recordLatency(end - start, end, settings.halfLifeNanos());
                context.recordAttempt(Outcomes.attempt(target, model, end - start, null));
                return response;
            } catch (RuntimeException e) {
                failure = Outcomes.asLlm(target, e);
            }
            long end = ticker.nanos();
            context.recordAttempt(Outcomes.attempt(target, model, end - start, failure));
            if (!failure.retryable()) {
                state.rejected(permit, failure.kind() + ": " + failure.getMessage());
                throw Outcomes.rejected(failure, context);
            }
            state.failed(permit, failure.kind() + ": " + failure.getMessage(), end, settings);
            LOG.debug("Call {}: {} failed ({}); trying the next target", context.requestId(), target, failure.kind());
            (outcomes == null ? outcomes = new Outcomes() : outcomes).failed(target.providerId(), model, failure);
        }
        throw (outcomes == null ? new Outcomes() : outcomes).exhausted(plan.route.name(), context);
    }

    StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler, RoutePlan plan,
                        String requested, Settings settings) {
        StreamCall call = new StreamCall(this, context, request, handler, plan, requested, settings);
        call.start();
        return call;
    }

    void streamStarted(ChatModel provider, StreamCall.Leg leg) {
        streaming.compute(provider, (p, legs) -> {
            Set<StreamCall.Leg> set = legs == null ? ConcurrentHashMap.newKeySet() : legs;
            set.add(leg);
            return set;
        });
    }

    void streamEnded(ChatModel provider, StreamCall.Leg leg) {
        streaming.computeIfPresent(provider, (p, legs) -> {
            legs.remove(leg);
            return legs.isEmpty() ? null : legs;
        });
    }

    /** A provider left: its streams in flight end with an error now (and fail over when nothing was sent yet). */
    void providerLeft(ChatModel provider, String providerId) {
        Set<StreamCall.Leg> legs = streaming.remove(provider);
        if (legs == null) {
            return;
        }
        for (StreamCall.Leg leg : legs) {
            leg.onEvent(new dev.caracal.llm.StreamEvent.Error(new LlmException(ErrorKind.UNAVAILABLE,
                    "provider '" + providerId + "' left while streaming")));
            leg.cancelUpstream();
        }
    }
}
