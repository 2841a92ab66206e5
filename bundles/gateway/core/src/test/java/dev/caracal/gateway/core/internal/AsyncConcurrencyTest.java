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
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many asynchronous calls at once through flaky targets whose stages complete at random synchronously (or throw from
 * {@code completeAsync}) or later on an "I/O" pool, racing the router's loop: every call ends once, and the attempts,
 * answers and target health add up as on the blocking path.
 */
class AsyncConcurrencyTest {

    /** {@link ConcurrencyTest.RandomChatModel}'s outcomes, delivered at random at once or from {@code io}. */
    static final class RandomAsyncChatModel implements ChatModel {
        final ConcurrencyTest.RandomChatModel outcomes;
        final ExecutorService io;

        RandomAsyncChatModel(ConcurrencyTest.RandomChatModel outcomes, ExecutorService io) {
            this.outcomes = outcomes;
            this.io = io;
        }

        @Override
        public String providerId() {
            return outcomes.providerId();
        }

        @Override
        public List<ModelInfo> models() {
            return outcomes.models();
        }

        @Override
        public ChatResponse complete(ChatRequest request) {
            return outcomes.complete(request);
        }

        @Override
        public CompletionStage<ChatResponse> completeAsync(ChatRequest request) {
            if (ThreadLocalRandom.current().nextBoolean()) {
                return CompletableFuture.completedFuture(outcomes.complete(request)); // a failure is thrown from here
            }
            return CompletableFuture.supplyAsync(() -> outcomes.complete(request), io);
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
    void fourCallersThroughThreeFlakyAsyncTargets() throws Exception {
        AtomicInteger ioThreads = new AtomicInteger();
        ExecutorService io = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "io-" + ioThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            FakeTicker ticker = new FakeTicker();
            GatewayComponent gw = new GatewayComponent(ticker);
            gw.configure(new Settings(3, 200_000_000L, 1_000_000_000L, 2, 0, 1_000_000_000L, true));
            List<ConcurrencyTest.RandomChatModel> models = new ArrayList<>();
            for (String id : new String[] {"p1", "p2", "p3"}) {
                ConcurrencyTest.RandomChatModel m = new ConcurrencyTest.RandomChatModel(id, ticker);
                models.add(m);
                gw.bindChatModel(new RandomAsyncChatModel(m, io), Support.props(id));
            }
            Support.route(gw, "r", "p1/m*3, p2/m*2, p3/m*1", "strategy", "weighted");

            int callers = 4;
            int perCaller = 2000;
            List<CallContext> contexts = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<ChatResponse>> stages = Collections.synchronizedList(new ArrayList<>());
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                Thread w = new Thread(
                        () -> {
                            for (int i = 0; i < perCaller; i++) {
                                ticker.advanceMillis(1);
                                CallContext ctx = Support.context();
                                CompletableFuture<ChatResponse> stage = gw.completeAsync(ctx, Support.request("r"))
                                        .toCompletableFuture();
                                synchronized (stages) {
                                    contexts.add(ctx);
                                    stages.add(stage);
                                }
                            }
                        },
                        "caller-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join(TimeUnit.MINUTES.toMillis(2));
                assertFalse(w.isAlive(), "a caller hung");
            }

            long ok = 0;
            long exhausted = 0;
            long rejected = 0;
            long attempts = 0;
            long succeededAttempts = 0;
            long retryableFailedAttempts = 0;
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < stages.size(); i++) {
                CallContext ctx = contexts.get(i);
                try {
                    ChatResponse r = stages.get(i).get(30, TimeUnit.SECONDS);
                    ok++;
                    Attempt last = ctx.attempts().get(ctx.attempts().size() - 1);
                    if (!last.succeeded() || !last.providerId().equals(r.id())) {
                        problems.add("last attempt did not serve: " + ctx.attempts());
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GatewayException ge)) {
                        problems.add("unexpected " + e.getCause());
                        continue;
                    }
                    if (ge.exhausted()) {
                        exhausted++;
                    } else {
                        rejected++;
                        if (ge.kind().retryable()) {
                            problems.add("a retryable failure was not retried: " + ge);
                        }
                    }
                    if (!ge.attempts().equals(ctx.attempts())) {
                        problems.add("exception attempts differ from the context's");
                    }
                }
                for (Attempt at : ctx.attempts()) {
                    attempts++;
                    if (at.succeeded()) {
                        succeededAttempts++;
                    } else if (at.error().retryable()) {
                        retryableFailedAttempts++;
                    }
                }
            }
            assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));
            assertEquals((long) callers * perCaller, ok + exhausted + rejected);
            assertTrue(
                    ok > 0 && exhausted > 0 && rejected > 0,
                    ok + " ok, " + exhausted + " exhausted, " + rejected + " rejected");
            long providerCalls = models.stream().mapToLong(m -> m.calls.sum()).sum();
            long providerAnswers =
                    models.stream().mapToLong(m -> m.answers.sum()).sum();
            assertEquals(providerCalls, attempts, "every provider call is an attempt");
            assertEquals(providerAnswers, ok, "every answer served exactly one call");
            assertEquals(ok, succeededAttempts);
            List<TargetHealth> health = gw.health();
            assertEquals(
                    succeededAttempts,
                    health.stream().mapToLong(TargetHealth::successes).sum());
            assertEquals(
                    retryableFailedAttempts,
                    health.stream().mapToLong(TargetHealth::failures).sum());
        } finally {
            io.shutdownNow();
        }
    }
}
