package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
    private static final ErrorKind[] RETRYABLE = {
        ErrorKind.RATE_LIMITED,
        ErrorKind.OVERLOADED,
        ErrorKind.TIMEOUT,
        ErrorKind.CONNECTION,
        ErrorKind.UPSTREAM,
        ErrorKind.UNAVAILABLE
    };

    /** Fails at random: 35% retryable, 1% a request error, 1% a crash; advances the clock 5 ms per call. */
    static final class RandomChatModel implements ChatModel {
        final String id;
        final FakeTicker ticker;
        final LongAdder calls = new LongAdder();
        final LongAdder answers = new LongAdder();

        RandomChatModel(String id, FakeTicker ticker) {
            this.id = id;
            this.ticker = ticker;
        }

        @Override
        public String providerId() {
            return id;
        }

        @Override
        public List<ModelInfo> models() {
            return List.of(new ModelInfo("m", id, null));
        }

        @Override
        public ChatResponse complete(ChatRequest request) {
            calls.increment();
            ticker.advanceMillis(5);
            int r = ThreadLocalRandom.current().nextInt(100);
            if (r < 35) {
                throw new LlmException(RETRYABLE[r % RETRYABLE.length], id + " random failure");
            }
            if (r == 35) {
                throw new LlmException(ErrorKind.INVALID_REQUEST, "bad luck");
            }
            if (r == 36) {
                throw new IllegalStateException("crash");
            }
            answers.increment();
            return new ChatResponse(id, request.model(), List.of(new ContentPart.Text(id)), null, null);
        }

        @Override
        public StreamHandle stream(ChatRequest request, StreamHandler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> requests, int maxConcurrency) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void eightThreadsThroughThreeFlakyTargets() throws Exception {
        FakeTicker ticker = new FakeTicker();
        GatewayComponent gw = new GatewayComponent(ticker);
        gw.configure(new Settings(3, 200_000_000L, 1_000_000_000L, 2, 0, 1_000_000_000L, true));
        List<RandomChatModel> models = new ArrayList<>();
        for (String id : new String[] {"p1", "p2", "p3"}) {
            RandomChatModel m = new RandomChatModel(id, ticker);
            models.add(m);
            gw.bindChatModel(m, Support.props(id));
        }
        Support.route(gw, "r", "p1/m*3, p2/m*2, p3/m*1", "strategy", "weighted");

        int threads = 8;
        int perThread = 2000;
        LongAdder ok = new LongAdder();
        LongAdder exhausted = new LongAdder();
        LongAdder rejected = new LongAdder();
        LongAdder attempts = new LongAdder();
        LongAdder succeededAttempts = new LongAdder();
        LongAdder retryableFailedAttempts = new LongAdder();
        AtomicLong unexpected = new AtomicLong();
        List<Throwable> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(
                    () -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < perThread; i++) {
                            ticker.advanceMillis(1); // time passes between calls too, so open breakers come due
                            CallContext ctx = Support.context();
                            try {
                                ChatResponse r = gw.complete(ctx, Support.request("r"));
                                ok.increment();
                                Attempt last = ctx.attempts().get(ctx.attempts().size() - 1);
                                if (!last.succeeded() || !last.providerId().equals(r.id())) {
                                    problems.add(new AssertionError("last attempt did not serve: " + ctx.attempts()));
                                }
                            } catch (GatewayException e) {
                                if (e.exhausted()) {
                                    exhausted.increment();
                                } else {
                                    rejected.increment();
                                    if (e.kind().retryable()) {
                                        problems.add(new AssertionError("a retryable failure was not retried", e));
                                    }
                                }
                                if (!e.attempts().equals(ctx.attempts())) {
                                    problems.add(new AssertionError("exception attempts differ from the context's"));
                                }
                            } catch (Throwable e) {
                                unexpected.incrementAndGet();
                                problems.add(e);
                            }
                            for (Attempt at : ctx.attempts()) {
                                attempts.increment();
                                if (at.succeeded()) {
                                    succeededAttempts.increment();
                                } else if (at.error().retryable()) {
                                    retryableFailedAttempts.increment();
                                }
                            }
                        }
                    },
                    "caller-" + t);
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(2));
            assertFalse(w.isAlive(), "a caller hung");
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));
        assertEquals(0, unexpected.get());
        assertEquals((long) threads * perThread, ok.sum() + exhausted.sum() + rejected.sum());
        assertTrue(
                ok.sum() > 0 && exhausted.sum() > 0 && rejected.sum() > 0,
                ok.sum() + " ok, " + exhausted.sum() + " exhausted, " + rejected.sum() + " rejected");

        long providerCalls = models.stream().mapToLong(m -> m.calls.sum()).sum();
        long providerAnswers = models.stream().mapToLong(m -> m.answers.sum()).sum();
        assertEquals(providerCalls, attempts.sum(), "every provider call is an attempt");
        assertEquals(providerAnswers, ok.sum(), "every answer served exactly one call");
        assertEquals(ok.sum(), succeededAttempts.sum());
        List<TargetHealth> health = gw.health();
        assertEquals(
                succeededAttempts.sum(),
                health.stream().mapToLong(TargetHealth::successes).sum());
        assertEquals(
                retryableFailedAttempts.sum(),
                health.stream().mapToLong(TargetHealth::failures).sum());
        for (TargetHealth h : health) {
            assertTrue(h.consecutiveFailures() >= 0);
        }
    }

    @Test
    void concurrentStreamsThroughFlakyTargetsAreEachWellFormed() throws Exception {
        GatewayComponent gw = new GatewayComponent(new FakeTicker());
        gw.configure(new Settings(1000, 200_000_000L, 1_000_000_000L, 1, 0, 1_000_000_000L, true));
        List<ScriptedChatModel> models = new ArrayList<>();
        for (String id : new String[] {"p1", "p2", "p3"}) {
            ScriptedChatModel m = new ScriptedChatModel(id, "m") {
                @Override
                public StreamHandle stream(ChatRequest request, StreamHandler handler) {
                    int r = ThreadLocalRandom.current().nextInt(10);
                    then(
                            r < 3
                                    ? new ScriptedChatModel.StreamError(ErrorKind.OVERLOADED, r == 0)
                                    : r == 3
                                            ? new ScriptedChatModel.Stream(List.of("a", "b"), ErrorKind.UPSTREAM)
                                            : ScriptedChatModel.answer("fine thanks"));
                    return super.stream(request, handler);
                }
            };
            models.add(m);
            Support.bind(gw, m);
        }
        Support.route(gw, "r", "p1/m, p2/m, p3/m", "strategy", "least-latency");
        int threads = 8;
        int perThread = 150;
        LongAdder ended = new LongAdder();
        LongAdder completed = new LongAdder();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(
                    () -> {
                        for (int i = 0; i < perThread; i++) {
                            Support.Recorder rec = new Support.Recorder();
                            gw.stream(Support.context(), Support.request("r"), rec);
                            try {
                                if (!rec.ended.await(30, TimeUnit.SECONDS)) {
                                    problems.add("a stream never ended: " + rec.snapshot());
                                    continue;
                                }
                            } catch (InterruptedException e) {
                                return;
                            }
                            ended.increment();
                            if (rec.violation != null) {
                                problems.add(rec.violation);
                            }
                            if (rec.last() instanceof dev.caracal.llm.StreamEvent.End) {
                                completed.increment();
                                if (!rec.text().equals("fine thanks")) {
                                    problems.add("text " + rec.text());
                                }
                            }
                        }
                    },
                    "streamer-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(2));
            assertFalse(w.isAlive(), "a streamer hung");
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));
        assertEquals((long) threads * perThread, ended.sum());
        assertTrue(completed.sum() > ended.sum() / 2, completed.sum() + " of " + ended.sum());
    }
}
