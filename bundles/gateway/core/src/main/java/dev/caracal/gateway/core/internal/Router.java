package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The end of the filter chain: tries the targets of a resolved route in the order its strategy gives, skipping
 * absent providers and refusing breakers, falling back on retryable failures and stopping at the first
 * non-retryable one. Each target is tried at most once per call (providers retry on their own). The blocking and the
 * asynchronous completion and embeddings share the walk over the targets and each attempt's bookkeeping
 * ({@link TargetWalk}).
 */
final class Router {
    /** Whether a provider has an asynchronous {@code completeAsync} of its own rather than the blocking default. */
    private static final Overrides ASYNC_PROVIDER = new Overrides(ChatModel.class, "completeAsync", ChatRequest.class);

    private final Ticker ticker;
    /**
     * Runs a provider that only has the blocking default of {@code completeAsync} when a call reaches it from another
     * provider's thread (a fallback): as many threads as such calls in flight, which the blocking path would hold too;
     * none while there are none.
     */
    private final ExecutorService blockingCalls = new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), new ThreadFactory() {
                private final AtomicInteger count = new AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "caracal-gateway-blocking-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            });
    /** Streams in flight per provider service, ended with an error (and so failed over) if the provider leaves. */
    private final Map<ChatModel, Set<StreamCall.Leg>> streaming = new ConcurrentHashMap<>();

    Router(Ticker ticker) {
        this.ticker = ticker;
    }

    Ticker ticker() {
        return ticker;
    }

    /**
     * Serves a non-streamed call, holding the calling thread while each target answers. A non-retryable failure is
     * thrown as its {@link dev.caracal.gateway.GatewayException}, and so is exhaustion.
     */
    ChatResponse complete(
            CallContext context, ChatRequest request, RoutePlan<ChatModel> plan, String requested, Settings settings) {
        TargetWalk<ChatModel> walk = new TargetWalk<>(ticker, context, plan, requested, settings);
        while (walk.next()) {
            ChatResponse response = null;
            RuntimeException error = null;
            try {
                response = walk.provider.complete(request.withModel(walk.model));
            } catch (RuntimeException e) {
                error = e;
            }
            ChatResponse served = walk.settle(response, error);
            if (served != null) {
                return served;
            }
        }
        throw walk.exhausted();
    }

    /**
     * Serves a non-streamed call like {@link #complete} (the same order, skips, breakers, fallback, attempts and
     * failures, the failures delivered through the stage) without holding a thread while targets answer: each target
     * is asked through {@link ChatModel#completeAsync}, and the next one is started when its stage fails.
     *
     * <p>The returned stage completes on the calling thread when the outcome is known at once (no usable target, or
     * targets answering synchronously), otherwise on the thread that completes the last target's stage, typically the
     * provider's HTTP I/O thread; the router's own work there is short (bookkeeping, and starting the next target). A
     * provider that only has the blocking default of {@code completeAsync} is asked on the calling thread while the
     * call is still there (no earlier target's answer was pending), as the API's default does, and otherwise on a
     * thread of {@link #blockingCalls}, never on another provider's thread, which must not be held for its whole call;
     * the stage then completes on that thread.
     */
    CompletionStage<ChatResponse> completeAsync(
            CallContext context, ChatRequest request, RoutePlan<ChatModel> plan, String requested, Settings settings) {
        AsyncCall call = new AsyncCall(new TargetWalk<>(ticker, context, plan, requested, settings), request);
        call.run(true);
        return call.result;
    }

    StreamHandle stream(
            CallContext context,
            ChatRequest request,
            StreamHandler handler,
            RoutePlan<ChatModel> plan,
            String requested,
            Settings settings) {
        StreamCall call = new StreamCall(this, context, request, handler, plan, requested, settings);
        call.start();
        return call;
    }

    /**
     * Embeds {@code inputs} with the targets of an embedding route, in the same order, with the same skips, breakers,
     * fallback on retryable failures, attempts and failures as {@link #complete}; the calling thread is held.
     */
    Embeddings embed(
            CallContext context,
            List<String> inputs,
            RoutePlan<EmbeddingModel> plan,
            String requested,
            Settings settings) {
        TargetWalk<EmbeddingModel> walk = new TargetWalk<>(ticker, context, plan, requested, settings);
        while (walk.next()) {
            Embeddings result = null;
            RuntimeException error = null;
            try {
                result = walk.provider.embed(inputs);
            } catch (RuntimeException e) {
                error = e;
            }
            Embeddings served = walk.settle(result, error);
            if (served != null) {
                return served;
            }
        }
        throw walk.exhausted();
    }

    /** Shuts the threads of blocking-only providers down when they are idle (calls in flight finish). */
    void close() {
        blockingCalls.shutdown();
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
            leg.onEvent(new dev.caracal.llm.StreamEvent.Error(
                    new LlmException(ErrorKind.UNAVAILABLE, "provider '" + providerId + "' left while streaming")));
            leg.cancelUpstream();
        }
    }

    /**
     * One asynchronous call: a loop over the targets that goes on while attempts fail at once and leaves when one is
     * pending; the attempt's answer then settles it, and resumes the loop, on the thread that completes its stage. So
     * a long run of targets failing synchronously iterates instead of recursing, and no thread waits for an answer.
     */
    private final class AsyncCall {
        final CompletableFuture<ChatResponse> result = new CompletableFuture<>();
        private final TargetWalk<ChatModel> walk;
        private final ChatRequest request;

        AsyncCall(TargetWalk<ChatModel> walk, ChatRequest request) {
            this.walk = walk;
            this.request = request;
        }

        /** Tries targets until one is pending or the call is over; {@code onCaller} on the thread that started it. */
        void run(boolean onCaller) {
            try {
                while (walk.next()) {
                    Attempt attempt = new Attempt();
                    start(onCaller).whenComplete(attempt);
                    if (attempt.leave()) {
                        return;
                    }
                    if (settled(attempt.response, attempt.error)) {
                        return;
                    }
                }
                result.completeExceptionally(walk.exhausted());
            } catch (Throwable t) { // a bug of ours or an Error: end the call rather than leave it pending forever
                result.completeExceptionally(t);
            }
        }

        /** Asks the attempt in progress's provider; a throw or a missing stage is the stage's outcome. */
        private CompletionStage<ChatResponse> start(boolean onCaller) {
            ChatModel provider = walk.provider;
            ChatRequest upstream = request.withModel(walk.model);
            try {
                if (!onCaller && !ASYNC_PROVIDER.by(provider)) {
                    return CompletableFuture.supplyAsync(() -> provider.complete(upstream), blockingCalls);
                }
                CompletionStage<ChatResponse> stage = provider.completeAsync(upstream);
                return stage != null ? stage : CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        /**
         * Settles the attempt in progress with its outcome: true when that ended the call (answered, rejected, or an
         * {@link Error}, which like the blocking path's skips the bookkeeping), false when the next target is due.
         */
        private boolean settled(ChatResponse response, Throwable error) {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof Error) {
                result.completeExceptionally(cause);
                return true;
            }
            ChatResponse served;
            try {
                served = walk.settle(response, cause);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return true;
            }
            if (served == null) {
                return false;
            }
            result.complete(served);
            return true;
        }

        /**
         * The outcome of one attempt, settled by the loop when it arrives before the loop asks ({@link #leave()}), or
         * by the thread that delivers it, which then resumes the loop.
         */
        private final class Attempt extends AtomicInteger implements BiConsumer<ChatResponse, Throwable> {
            private static final int PENDING = 0;
            private static final int ANSWERED = 1;
            private static final int LEFT = 2;
            ChatResponse response;
            Throwable error;

            @Override
            public void accept(ChatResponse r, Throwable t) {
                response = r;
                error = t;
                if (!compareAndSet(PENDING, ANSWERED)) { // the loop left: continue the call here
                    try {
                        if (!settled(r, t)) {
                            run(false);
                        }
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                }
            }

            /** True when the attempt is still pending: the loop leaves, and the answer will continue the call. */
            boolean leave() {
                return compareAndSet(PENDING, LEFT);
            }
        }
    }
}
