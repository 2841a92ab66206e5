package dev.caracal.gateway.openai.http.internal;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A test double of the gateway engine: answers with scripted normalized responses and stream events, and records
 * what the ingress handed it. Streams are emitted from a thread of their own, as a provider would. Asynchronous
 * completions ({@link #completeAsync}) are answered, or fail, later on the single {@code scripted-upstream} thread,
 * as a provider's HTTP selector thread completes them for every upstream connection.
 */
final class ScriptedGateway implements Gateway {
    private static final CompletableFuture<Void> OPEN = CompletableFuture.completedFuture(null);
    /** The one thread that completes every asynchronous call, as a provider's selector thread does. */
    final ExecutorService upstream = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scripted-upstream");
        t.setDaemon(true);
        return t;
    });

    volatile Function<ChatRequest, ChatResponse> complete = r -> {
        throw new AssertionError("no completion scripted");
    };
    /** The events of a stream; an emitter may also be scripted for streams that run until cancelled. */
    volatile List<StreamEvent> events = List.of();

    volatile BiFunction<ChatRequest, StreamHandler, Void> emitter;
    volatile RuntimeException failure;
    /**
     * Deliver the events on the caller's thread, inside {@code stream()}, and answer {@code completeAsync} with a
     * stage already complete, as a cache hit may.
     */
    volatile boolean inline;
    /**
     * An asynchronous call is answered once the stage this gives for its request completes. By default at once,
     * which races the servlet going async: the answer is then written either inline or after the hop.
     */
    volatile Function<ChatRequest, CompletionStage<?>> answerWhen = r -> OPEN;

    volatile BiFunction<String, List<String>, Embeddings> embed;
    volatile List<ModelInfo> models = List.of();

    final AtomicInteger calls = new AtomicInteger();
    /** The calls that came through {@link #completeAsync}. */
    final AtomicInteger asyncCalls = new AtomicInteger();
    /** Counted down by every call of {@link #completeAsync}, when it arrives. */
    volatile CountDownLatch arrivals = new CountDownLatch(0);

    volatile CallContext lastContext;
    volatile ChatRequest lastRequest;
    volatile String lastEmbedModel;
    volatile List<String> lastInputs;
    volatile CountDownLatch cancelled = new CountDownLatch(1);

    void reset() {
        complete = r -> {
            throw new AssertionError("no completion scripted");
        };
        events = List.of();
        emitter = null;
        failure = null;
        inline = false;
        answerWhen = r -> OPEN;
        embed = null;
        calls.set(0);
        asyncCalls.set(0);
        arrivals = new CountDownLatch(0);
        lastContext = null;
        lastRequest = null;
        cancelled = new CountDownLatch(1);
    }

    private void record(CallContext context) {
        note(context);
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void note(CallContext context) {
        calls.incrementAndGet();
        lastContext = context;
    }

    @Override
    public ChatResponse complete(CallContext context, ChatRequest request) {
        lastRequest = request;
        record(context);
        return complete.apply(request);
    }

    @Override
    public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
        asyncCalls.incrementAndGet();
        if (inline) {
            return Gateway.super.completeAsync(context, request);
        }
        lastRequest = request;
        note(context);
        RuntimeException f = failure;
        Function<ChatRequest, ChatResponse> answer = complete;
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
        lastRequest = request;
        record(context);
        CountDownLatch c = cancelled;
        BiFunction<ChatRequest, StreamHandler, Void> e = emitter;
        List<StreamEvent> script = events;
        Thread t = new Thread(
                () -> {
                    if (e != null) {
                        e.apply(request, handler);
                    } else {
                        script.forEach(handler::onEvent);
                    }
                },
                "scripted-stream");
        t.setDaemon(true);
        if (inline) {
            t.run();
        } else {
            t.start();
        }
        return c::countDown;
    }

    @Override
    public Embeddings embed(CallContext context, String model, List<String> inputs) {
        lastEmbedModel = model;
        lastInputs = inputs;
        record(context);
        return embed.apply(model, inputs);
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
