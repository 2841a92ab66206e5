package dev.caracal.gateway.anthropic.http.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.Route;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A test double of the gateway engine: answers with scripted normalized responses and stream events, and records
 * what the ingress handed it. Streams play on their own thread, as a provider's would. Asynchronous completions
 * ({@link #completeAsync}) are answered, or fail, later on the single {@code scripted-upstream} thread, as a
 * provider's HTTP selector thread completes them for every upstream connection.
 */
final class ScriptedGateway implements Gateway {
    private static final CompletableFuture<Void> OPEN = CompletableFuture.completedFuture(null);
    /** The one thread that completes every asynchronous call, as a provider's selector thread does. */
    final ExecutorService upstream = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scripted-upstream");
        t.setDaemon(true);
        return t;
    });

    /** Plays a stream; {@code cancelled} turns true when the ingress cancels the handle. */
    @FunctionalInterface
    interface Player {
        void play(StreamHandler handler, AtomicBoolean cancelled) throws InterruptedException;
    }

    final List<CallContext> contexts = new CopyOnWriteArrayList<>();
    /** What {@link #models()} answers. */
    volatile List<ModelInfo> models = List.of();

    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    /** The calls that came through {@link #completeAsync}. */
    final AtomicInteger asyncCalls = new AtomicInteger();
    /** Counted down by every call of {@link #completeAsync}, when it arrives. */
    volatile CountDownLatch arrivals = new CountDownLatch(0);
    /**
     * An asynchronous call is answered once the stage this gives for its request completes. By default at once,
     * which races the servlet going async: the answer is then written either inline or after the hop.
     */
    volatile Function<ChatRequest, CompletionStage<?>> answerWhen = r -> OPEN;

    volatile CountDownLatch cancelled = new CountDownLatch(1);
    volatile Function<ChatRequest, ChatResponse> completer;
    volatile Player player;
    volatile RuntimeException failure;
    /**
     * Plays streams on the caller's thread, inside {@code stream()}, and answers {@code completeAsync} with a stage
     * already complete, as a cache hit might.
     */
    volatile boolean synchronous;

    void reset() {
        contexts.clear();
        requests.clear();
        calls.set(0);
        asyncCalls.set(0);
        arrivals = new CountDownLatch(0);
        answerWhen = r -> OPEN;
        cancelled = new CountDownLatch(1);
        completer = null;
        player = null;
        failure = null;
        synchronous = false;
    }

    static Player events(StreamEvent... events) {
        return (handler, cancelled) -> {
            for (StreamEvent e : events) {
                if (cancelled.get()) {
                    return;
                }
                handler.onEvent(e);
            }
        };
    }

    @Override
    public ChatResponse complete(CallContext context, ChatRequest request) {
        record(context, request);
        if (failure != null) {
            throw failure;
        }
        return completer.apply(request);
    }

    @Override
    public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
        asyncCalls.incrementAndGet();
        if (synchronous) {
            return Gateway.super.completeAsync(context, request);
        }
        record(context, request);
        RuntimeException f = failure;
        Function<ChatRequest, ChatResponse> answer = completer;
        CompletionStage<?> gate = answerWhen.apply(request);
        arrivals.countDown();
        return gate.thenApplyAsync(
                x -> {
                    if (f != null) {
                        throw f;
                    }
                    return answer.apply(request);
                },
                upstream);
    }

    @Override
    public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler) {
        record(context, request);
        if (failure != null) {
            throw failure;
        }
        AtomicBoolean stop = new AtomicBoolean();
        Player p = player;
        if (synchronous) {
            try {
                p.play(handler, stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return () -> stop.set(true);
        }
        Thread t = new Thread(
                () -> {
                    try {
                        p.play(handler, stop);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "scripted-stream");
        t.setDaemon(true);
        t.start();
        CountDownLatch latch = cancelled;
        return () -> {
            stop.set(true);
            latch.countDown();
        };
    }

    private void record(CallContext context, ChatRequest request) {
        calls.incrementAndGet();
        contexts.add(context);
        requests.add(request);
    }

    @Override
    public Embeddings embed(CallContext context, String model, List<String> inputs) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ModelInfo> models() {
        return models;
    }

    @Override
    public List<Route> routes() {
        return List.of();
    }

    @Override
    public List<TargetHealth> health() {
        return List.of();
    }
}
