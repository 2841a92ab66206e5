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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A test double of the gateway engine: answers with scripted normalized responses and stream events, and records
 * what the ingress handed it. Streams play on their own thread, as a provider's would.
 */
final class ScriptedGateway implements Gateway {

    /** Plays a stream; {@code cancelled} turns true when the ingress cancels the handle. */
    @FunctionalInterface
    interface Player {
        void play(StreamHandler handler, AtomicBoolean cancelled) throws InterruptedException;
    }

    final List<CallContext> contexts = new CopyOnWriteArrayList<>();
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch cancelled = new CountDownLatch(1);
    volatile Function<ChatRequest, ChatResponse> completer;
    volatile Player player;
    volatile RuntimeException failure;
    /** Plays streams on the caller's thread, inside {@code stream()}, as a cache hit might. */
    volatile boolean synchronous;

    void reset() {
        contexts.clear();
        requests.clear();
        calls.set(0);
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
        Thread t = new Thread(() -> {
            try {
                p.play(handler, stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "scripted-stream");
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
        return List.of();
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
