package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
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

    /** {@link RandomChatModel}'s outcomes, delivered at random at once or from {@code io}. */
    static final class RandomAsyncChatModel extends ForwardingChatModel {
        final ExecutorService io;

        RandomAsyncChatModel(RandomChatModel outcomes, ExecutorService io) {
            super(outcomes);
            this.io = io;
        }

        @Override
        public CompletionStage<ChatResponse> completeAsync(ChatRequest request) {
            if (ThreadLocalRandom.current().nextBoolean()) {
                return CompletableFuture.completedFuture(inner.complete(request)); // a failure is thrown from here
            }
            return CompletableFuture.supplyAsync(() -> inner.complete(request), io);
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
            List<RandomChatModel> models = new ArrayList<>();
            GatewayComponent gw =
                    RandomChatModel.behindWeightedRoute(ticker, models, m -> new RandomAsyncChatModel(m, io));

            int callers = 4;
            int perCaller = 2000;
            List<CallContext> contexts = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<ChatResponse>> stages = Collections.synchronizedList(new ArrayList<>());
            Support.onThreads("caller", callers, () -> {
                for (int i = 0; i < perCaller; i++) {
                    ticker.advanceMillis(1);
                    CallContext ctx = Support.context();
                    CompletableFuture<ChatResponse> stage =
                            gw.completeAsync(ctx, Support.request("r")).toCompletableFuture();
                    synchronized (stages) {
                        contexts.add(ctx);
                        stages.add(stage);
                    }
                }
            });

            CallTally tally = new CallTally();
            for (int i = 0; i < stages.size(); i++) {
                CallContext ctx = contexts.get(i);
                try {
                    tally.answered(ctx, stages.get(i).get(30, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    tally.failed(ctx, e.getCause());
                }
            }
            tally.assertAddsUp((long) callers * perCaller, models, gw);
        } finally {
            io.shutdownNow();
        }
    }
}
