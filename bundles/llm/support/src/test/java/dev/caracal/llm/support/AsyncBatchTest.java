package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AsyncBatchTest {

    private static LlmException failure(CompletionStage<?> stage) {
        return assertInstanceOf(LlmException.class, SupportTests.failureOf(stage));
    }

    @Test
    void itemsStartInOrderNeverMoreThanTheBoundAndEachOutcomeIsItsOwn() throws Exception {
        ScheduledExecutorService upstream = Executors.newScheduledThreadPool(4, HttpCalls.daemonThreads("test-up"));
        try {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<Integer> started = new CopyOnWriteArrayList<>();
            List<Integer> items = IntStream.range(0, 40).boxed().toList();
            List<CompletionStage<Integer>> results = Batches.runAsync(
                    items,
                    3,
                    i -> {
                        started.add(i);
                        if (i == 5) {
                            throw new LlmException(ErrorKind.INVALID_REQUEST, "five is refused at once");
                        }
                        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        CompletableFuture<Integer> answer = new CompletableFuture<>();
                        upstream.schedule(
                                () -> {
                                    inFlight.decrementAndGet();
                                    if (i == 9) {
                                        answer.completeExceptionally(new IllegalStateException("nine broke"));
                                    } else {
                                        answer.complete(i * 2);
                                    }
                                },
                                1 + i % 3,
                                TimeUnit.MILLISECONDS);
                        return answer;
                    },
                    Secret.NONE);
            assertEquals(40, results.size());
            for (int i = 0; i < 40; i++) {
                if (i == 5) {
                    assertEquals(
                            ErrorKind.INVALID_REQUEST, failure(results.get(i)).kind());
                } else if (i == 9) {
                    LlmException e = failure(results.get(i));
                    assertTrue(e.getMessage().contains("nine broke"), e.getMessage());
                } else {
                    assertEquals(i * 2, results.get(i).toCompletableFuture().get(10, TimeUnit.SECONDS));
                }
            }
            assertEquals(items, started);
            assertEquals(3, most.get(), "the bound is reached and never passed");
        } finally {
            upstream.shutdownNow();
        }
    }

    @Test
    void noThreadWaitsWhileItemsAreInFlight() {
        List<CompletableFuture<String>> pending = new ArrayList<>();
        List<CompletionStage<String>> results = Batches.runAsync(
                IntStream.range(0, 300).boxed().toList(),
                200,
                i -> {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    pending.add(f);
                    return f;
                },
                Secret.NONE);
        // 200 started from this one thread, which is already back: nothing blocked on them
        assertEquals(200, pending.size());
        assertTrue(results.stream().noneMatch(r -> r.toCompletableFuture().isDone()));
        pending.get(0).complete("first");
        assertEquals(201, pending.size(), "a completion starts the next item on the completing thread");
        for (int i = 1; i < 300; i++) {
            pending.get(i).complete("item " + i);
        }
        assertEquals("first", results.get(0).toCompletableFuture().join());
        assertEquals("item 299", results.get(299).toCompletableFuture().join());
    }

    @Test
    void itemsCompletingAtOnceDoNotRecurse() {
        int n = 200_000;
        List<CompletionStage<Integer>> ok = Batches.runAsync(
                IntStream.range(0, n).boxed().toList(), 1, CompletableFuture::completedFuture, Secret.NONE);
        assertEquals(n - 1, ok.get(n - 1).toCompletableFuture().join());
        List<CompletionStage<Integer>> failed = Batches.runAsync(
                IntStream.range(0, n).boxed().toList(),
                1,
                i -> {
                    throw new LlmException(ErrorKind.UNAVAILABLE, "down");
                },
                Secret.NONE);
        assertEquals("down", failure(failed.get(n - 1)).getMessage());
        assertTrue(Batches.runAsync(List.<Integer>of(), 4, CompletableFuture::completedFuture, Secret.NONE)
                .isEmpty());
    }

    @Test
    void aClosedRuntimeFailsTheItemsNotYetStarted() {
        ProviderRuntime runtime =
                SupportTests.runtime("y", new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(5)), Delayer.REAL);
        List<CompletableFuture<String>> pending = new ArrayList<>();
        List<CompletionStage<String>> results = runtime.batchAsync(List.of("a", "b", "c", "d"), 0, s -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        });
        assertEquals(2, pending.size(), "the configured bound of 2 applies when the caller asks for 0");
        runtime.close();
        pending.get(0).complete("a done");
        pending.get(1).complete("b done");
        assertEquals("a done", results.get(0).toCompletableFuture().join());
        assertEquals("b done", results.get(1).toCompletableFuture().join());
        for (CompletionStage<String> r : results.subList(2, 4)) {
            LlmException e = failure(r);
            assertEquals(ErrorKind.UNAVAILABLE, e.kind());
            assertEquals("provider y is stopped", e.getMessage());
        }
        assertEquals(2, pending.size());
        assertFalse(results.get(3).toCompletableFuture().isCancelled());
    }
}
