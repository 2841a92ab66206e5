package dev.caracal.gateway.testkit;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.Route;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A test double of the gateway engine for the ingresses: answers with scripted normalized responses and stream
 * events, fails as scripted, and records what the ingress handed it. Streams play on a thread of their own, as a
 * provider's would. Asynchronous completions ({@link #completeAsync}) are answered, or fail, later on the single
 * {@code scripted-upstream} thread, as a provider's HTTP selector thread completes them for every upstream connection.
 * {@link #reset()} forgets every script and every record; {@link #close()} ends the upstream thread.
 */
public final class ScriptedGateway implements Gateway, AutoCloseable {
    private static final CompletableFuture<Void> OPEN = CompletableFuture.completedFuture(null);

    /** Plays a stream into the ingress's handler until it ends or {@code cancelled} turns true. */
    @FunctionalInterface
    public interface Player {
        void play(StreamHandler handler, BooleanSupplier cancelled) throws InterruptedException;
    }

    /** The one thread that completes every asynchronous call, as a provider's selector thread does. */
    private final ExecutorService upstream = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scripted-upstream");
        t.setDaemon(true);
        return t;
    });

    private volatile Function<ChatRequest, ChatResponse> answer;
    private volatile Player player;
    private volatile RuntimeException failure;
    private volatile boolean inline;
    private volatile Function<ChatRequest, CompletionStage<?>> answerWhen;
    private volatile CountDownLatch arrivals;
    private volatile BiFunction<String, List<String>, Embeddings> embed;
    private volatile List<ModelInfo> models = List.of();

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger asyncCalls = new AtomicInteger();
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final List<CallContext> contexts = new CopyOnWriteArrayList<>();
    private volatile String lastEmbedModel;
    private volatile List<String> lastInputs;
    private volatile CountDownLatch cancelled;
    private volatile Map<String, String> responseHeaders = Map.of();

    public ScriptedGateway() {
        reset();
    }

    /** Forgets every script and record; the models listed stay. */
    public void reset() {
        answer = null;
        player = null;
        failure = null;
        inline = false;
        answerWhen = r -> OPEN;
        arrivals = new CountDownLatch(0);
        embed = null;
        calls.set(0);
        asyncCalls.set(0);
        requests.clear();
        contexts.clear();
        lastEmbedModel = null;
        lastInputs = null;
        cancelled = new CountDownLatch(1);
        responseHeaders = Map.of();
    }

    /** Sets these response headers on every call's context, as a filter would, before answering or failing. */
    public void setResponseHeaders(Map<String, String> headers) {
        responseHeaders = Map.copyOf(headers);
    }

    /** An upstream's complete answer carrying {@code text}. */
    public static ChatResponse reply(String text) {
        return reply("scripted-upstream", text);
    }

    /** The complete answer of upstream model {@code model}: {@code text}; 11 tokens in (2 of them cached), 3 out. */
    public static ChatResponse reply(String model, String text) {
        return new ChatResponse(
                "up-1", model, List.of(new ContentPart.Text(text)), StopReason.END_TURN, new Usage(11, 3, 2, 0));
    }

    // ---- scripts

    /** How {@link #complete} and {@link #completeAsync} answer; a {@code null} answer is passed on as it is. */
    public void answerWith(Function<ChatRequest, ChatResponse> answer) {
        this.answer = answer;
    }

    /** Streams play these events, stopping early once the ingress cancels. */
    public void streamEvents(StreamEvent... events) {
        streamEvents(List.of(events));
    }

    /** Streams play these events, stopping early once the ingress cancels. */
    public void streamEvents(List<StreamEvent> events) {
        List<StreamEvent> script = List.copyOf(events);
        player = (handler, stop) -> {
            for (StreamEvent e : script) {
                if (stop.getAsBoolean()) {
                    return;
                }
                handler.onEvent(e);
            }
        };
    }

    /** Streams are played by {@code player}, for streams that run until cancelled. */
    public void streamWith(Player player) {
        this.player = player;
    }

    /** Every call fails with {@code failure}: thrown by the blocking calls, the failed stage of an async one. */
    public void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    /**
     * With {@code true}, streams play on the caller's thread, inside {@code stream()}, and {@code completeAsync}
     * answers with a stage already complete, as a cache hit may.
     */
    public void answerInline(boolean inline) {
        this.inline = inline;
    }

    /**
     * An asynchronous call is answered once the stage {@code gate} gives for its request completes. By default at
     * once, which races the servlet going async: the answer is then written either inline or after the hop.
     */
    public void holdAnswersUntil(Function<ChatRequest, CompletionStage<?>> gate) {
        this.answerWhen = gate;
    }

    /** Counted down by every call of {@link #completeAsync}, when it arrives. */
    public void countArrivals(CountDownLatch latch) {
        this.arrivals = latch;
    }

    public void embedWith(BiFunction<String, List<String>, Embeddings> embed) {
        this.embed = embed;
    }

    /** What {@link #models()} answers. */
    public void listModels(List<ModelInfo> models) {
        this.models = List.copyOf(models);
    }

    // ---- records

    /** The calls that reached the gateway, blocking, asynchronous, streamed or embedding. */
    public int calls() {
        return calls.get();
    }

    /** The calls that came through {@link #completeAsync} (also when answered inline). */
    public int asyncCalls() {
        return asyncCalls.get();
    }

    /** The chat requests in the order they arrived. */
    public List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    public ChatRequest lastRequest() {
        return last(requests);
    }

    /** The call contexts in the order the calls arrived. */
    public List<CallContext> contexts() {
        return List.copyOf(contexts);
    }

    public CallContext lastContext() {
        return last(contexts);
    }

    public String lastEmbedModel() {
        return lastEmbedModel;
    }

    public List<String> lastInputs() {
        return lastInputs;
    }

    /** Whether the ingress cancelled a stream's handle within {@code timeout}. */
    public boolean streamCancelledWithin(Duration timeout) throws InterruptedException {
        return cancelled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T last(List<T> list) {
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }

    private void record(CallContext context, ChatRequest request) {
        responseHeaders.forEach(context::setResponseHeader);
        calls.incrementAndGet();
        contexts.add(context);
        if (request != null) {
            requests.add(request);
        }
    }

    private static <T> T scripted(T script, String what) {
        if (script == null) {
            throw new IllegalStateException("the scripted gateway has no " + what + " scripted");
        }
        return script;
    }

    // ---- the gateway

    @Override
    public ChatResponse complete(CallContext context, ChatRequest request) {
        record(context, request);
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        return scripted(answer, "answer").apply(request);
    }

    @Override
    public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
        asyncCalls.incrementAndGet();
        if (inline) {
            return Gateway.super.completeAsync(context, request);
        }
        record(context, request);
        RuntimeException f = failure;
        Function<ChatRequest, ChatResponse> a = answer;
        CompletionStage<?> gate = answerWhen.apply(request);
        arrivals.countDown();
        return gate.thenApplyAsync(
                x -> {
                    if (f != null) {
                        throw f;
                    }
                    return scripted(a, "answer").apply(request);
                },
                upstream);
    }

    @Override
    public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler) {
        record(context, request);
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        Player p = scripted(player, "stream");
        AtomicBoolean stop = new AtomicBoolean();
        Runnable play = () -> {
            try {
                p.play(handler, stop::get);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        if (inline) {
            play.run();
        } else {
            Thread t = new Thread(play, "scripted-stream");
            t.setDaemon(true);
            t.start();
        }
        CountDownLatch latch = cancelled;
        return () -> {
            stop.set(true);
            latch.countDown();
        };
    }

    @Override
    public Embeddings embed(CallContext context, String model, List<String> inputs) {
        lastEmbedModel = model;
        lastInputs = inputs;
        record(context, null);
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        return scripted(embed, "embedding").apply(model, inputs);
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

    /** Ends the upstream thread; a call still waiting for its answer then never gets one. */
    @Override
    public void close() {
        upstream.shutdownNow();
    }
}
