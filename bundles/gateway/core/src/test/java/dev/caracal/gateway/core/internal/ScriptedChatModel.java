package dev.caracal.gateway.core.internal;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A unit-test double of the ChatModel SPI whose behaviour per call is scripted: each call takes the next step of the
 * script, or the default step when the script is empty. Streams are delivered from a thread of their own, as a real
 * provider does. {@link #completeAsync} answers through the API's default (synchronously, on the calling thread)
 * unless the model is made {@link #async()}: then each call's step plays on a thread of its own (named
 * {@code scripted-<id>-async}) that completes the stage later, as a real provider's I/O thread does, except a
 * {@link Crash}, which is thrown by {@code completeAsync} itself.
 */
class ScriptedChatModel implements ChatModel {

    /** What one call does. */
    interface Step {}

    /** Answer {@code text} (streamed as one delta per word). */
    record Answer(String text) implements Step {}

    /** Fail with an LlmException of {@code kind}. */
    record Fail(ErrorKind kind, int status, Duration retryAfter) implements Step {}

    /** Throw a plain RuntimeException (a provider bundle going away mid-call). */
    record Crash(String message) implements Step {}

    /** Stream {@code deltas}, then end, or fail with {@code errorAfter} when it is not null. */
    record Stream(List<String> deltas, ErrorKind errorAfter) implements Step {}

    /** Stream a Start (when {@code withStart}) then an error, before any content. */
    record StreamError(ErrorKind kind, boolean withStart) implements Step {}

    /** Wait until {@code release} opens (or the stream is cancelled), then do {@code then}. */
    record Block(CountDownLatch release, Step then) implements Step {}

    /** Stream a Start and {@code deltas}, then wait until {@code release} opens (or a cancel), then end. */
    record Partial(List<String> deltas, CountDownLatch release) implements Step {}

    /** Advance the test clock by {@code millis} (simulated latency), then do {@code then}. */
    record Slow(FakeTicker ticker, long millis, Step then) implements Step {}

    /** Answer null (a broken provider). */
    /** A stream of exactly these events (after a Start the model adds). */
    record Events(List<StreamEvent> events) implements Step {}

    record Nothing() implements Step {}

    static Step answer(String text) {
        return new Answer(text);
    }

    static Step fail(ErrorKind kind) {
        return new Fail(kind, kind == ErrorKind.RATE_LIMITED ? 429 : kind.retryable() ? 503 : 400, null);
    }

    private final String id;
    private final List<ModelInfo> models;
    private final ConcurrentLinkedDeque<Step> script = new ConcurrentLinkedDeque<>();
    private volatile Step otherwise;
    private volatile boolean async;
    /** The threads that ran each call's step, in call order. */
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());

    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    final AtomicInteger blocked = new AtomicInteger();
    final List<String> requestedModels = Collections.synchronizedList(new ArrayList<>());

    ScriptedChatModel(String id, String... models) {
        this.id = id;
        List<ModelInfo> ms = new ArrayList<>();
        for (String m : models) {
            ms.add(new ModelInfo(m, id, null));
        }
        this.models = List.copyOf(ms);
        this.otherwise = answer("hello from " + id);
    }

    ScriptedChatModel then(Step... steps) {
        Collections.addAll(script, steps);
        return this;
    }

    ScriptedChatModel always(Step step) {
        otherwise = step;
        return this;
    }

    /** Answers {@link #completeAsync} later, from a thread of each call's own. */
    ScriptedChatModel async() {
        async = true;
        return this;
    }

    private Step next() {
        Step s = script.pollFirst();
        return s == null ? otherwise : s;
    }

    @Override
    public String providerId() {
        return id;
    }

    @Override
    public List<ModelInfo> models() {
        return models;
    }

    @Override
    public ChatResponse complete(ChatRequest request) {
        calls.incrementAndGet();
        requestedModels.add(request.model());
        threads.add(Thread.currentThread().getName());
        return completeWith(next(), request);
    }

    @Override
    public CompletionStage<ChatResponse> completeAsync(ChatRequest request) {
        if (!async) {
            return ChatModel.super.completeAsync(request);
        }
        calls.incrementAndGet();
        requestedModels.add(request.model());
        Step step = next();
        if (step instanceof Crash c) {
            throw new IllegalStateException(c.message());
        }
        CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    threads.add(Thread.currentThread().getName());
                    try {
                        answer.complete(completeWith(step, request));
                    } catch (RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                },
                "scripted-" + id + "-async");
        t.setDaemon(true);
        t.start();
        return answer;
    }

    private ChatResponse completeWith(Step step, ChatRequest request) {
        if (step instanceof Nothing) {
            return null;
        }
        if (step instanceof Answer a) {
            return new ChatResponse(
                    id + "-" + calls.get(),
                    request.model(),
                    List.of(new ContentPart.Text(a.text())),
                    StopReason.END_TURN,
                    new Usage(1, 1, 0, 0));
        }
        if (step instanceof Fail f) {
            throw new LlmException(f.kind(), id + " says " + f.kind(), f.status(), f.retryAfter(), null);
        }
        if (step instanceof Crash c) {
            throw new IllegalStateException(c.message());
        }
        if (step instanceof Block b) {
            blocked.incrementAndGet();
            await(b.release(), new AtomicBoolean());
            return completeWith(b.then(), request);
        }
        if (step instanceof Slow s) {
            s.ticker().advanceMillis(s.millis());
            return completeWith(s.then(), request);
        }
        if (step instanceof Stream s) {
            if (s.errorAfter() != null) {
                throw new LlmException(s.errorAfter(), id + " failed midway");
            }
            return new ChatResponse(
                    id,
                    request.model(),
                    List.of(new ContentPart.Text(String.join("", s.deltas()))),
                    StopReason.END_TURN,
                    null);
        }
        if (step instanceof StreamError e) {
            throw new LlmException(e.kind(), id + " says " + e.kind());
        }
        throw new AssertionError("unknown step " + step);
    }

    @Override
    public StreamHandle stream(ChatRequest request, StreamHandler handler) {
        calls.incrementAndGet();
        requestedModels.add(request.model());
        Step step = next();
        if (step instanceof Crash c) {
            throw new IllegalStateException(c.message());
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        Thread t = new Thread(() -> play(step, request, handler, cancelled), "scripted-" + id);
        t.setDaemon(true);
        t.start();
        return () -> {
            if (cancelled.compareAndSet(false, true)) {
                cancels.incrementAndGet();
            }
        };
    }

    private void play(Step step, ChatRequest request, StreamHandler handler, AtomicBoolean cancelled) {
        if (step instanceof Block b) {
            blocked.incrementAndGet();
            await(b.release(), cancelled);
            if (!cancelled.get()) {
                play(b.then(), request, handler, cancelled);
            }
            return;
        }
        if (step instanceof Slow s) {
            s.ticker().advanceMillis(s.millis());
            play(s.then(), request, handler, cancelled);
            return;
        }
        if (step instanceof Partial p) {
            handler.onEvent(new StreamEvent.Start(id + "-s", request.model()));
            for (String d : p.deltas()) {
                handler.onEvent(new StreamEvent.TextDelta(0, d));
            }
            blocked.incrementAndGet();
            await(p.release(), cancelled);
            if (!cancelled.get()) {
                handler.onEvent(new StreamEvent.End(StopReason.END_TURN));
            }
            return;
        }
        List<StreamEvent> events = new ArrayList<>();
        if (step instanceof Answer a) {
            events.add(new StreamEvent.Start(id + "-s", request.model()));
            events.add(new StreamEvent.UsageUpdate(new Usage(3, 0, 0, 0)));
            for (String word : a.text().split("(?<= )")) {
                events.add(new StreamEvent.TextDelta(0, word));
            }
            events.add(new StreamEvent.End(StopReason.END_TURN));
        } else if (step instanceof Stream s) {
            events.add(new StreamEvent.Start(id + "-s", request.model()));
            for (String d : s.deltas()) {
                events.add(new StreamEvent.TextDelta(0, d));
            }
            events.add(
                    s.errorAfter() == null
                            ? new StreamEvent.End(StopReason.END_TURN)
                            : new StreamEvent.Error(new LlmException(s.errorAfter(), id + " failed midway")));
        } else if (step instanceof Events e) {
            events.add(new StreamEvent.Start(id + "-s", request.model()));
            events.addAll(e.events());
        } else if (step instanceof StreamError e) {
            if (e.withStart()) {
                events.add(new StreamEvent.Start(id + "-s", request.model()));
            }
            events.add(new StreamEvent.Error(new LlmException(e.kind(), id + " says " + e.kind())));
        } else if (step instanceof Fail f) {
            events.add(new StreamEvent.Error(
                    new LlmException(f.kind(), id + " says " + f.kind(), f.status(), f.retryAfter(), null)));
        } else if (step instanceof Crash c) {
            throw new IllegalStateException(c.message());
        }
        for (StreamEvent e : events) {
            if (cancelled.get()) {
                return;
            }
            handler.onEvent(e);
        }
    }

    private static void await(CountDownLatch latch, AtomicBoolean cancelled) {
        try {
            while (!latch.await(10, TimeUnit.MILLISECONDS)) {
                if (cancelled.get()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What {@link #countTokens} answers: nothing (the provider cannot count) unless set. */
    volatile java.util.function.Function<ChatRequest, java.util.OptionalLong> counter =
            r -> java.util.OptionalLong.empty();

    @Override
    public java.util.OptionalLong countTokens(ChatRequest request) {
        return counter.apply(request);
    }

    @Override
    public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> requests, int maxConcurrency) {
        List<CompletionStage<ChatResponse>> out = new ArrayList<>();
        for (ChatRequest r : requests) {
            try {
                out.add(CompletableFuture.completedFuture(complete(r)));
            } catch (RuntimeException e) {
                out.add(CompletableFuture.failedFuture(e));
            }
        }
        return out;
    }
}
