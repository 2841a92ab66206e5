package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchesAndConfigTest {

    @Test
    void boundedConcurrencyAndIndependentResults() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool(HttpCalls.daemonThreads("test-batch"));
        try {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<Integer> items = IntStream.range(0, 20).boxed().toList();
            List<CompletionStage<Integer>> results = Batches.run(
                    items,
                    3,
                    pool,
                    i -> {
                        int now = inside.incrementAndGet();
                        most.accumulateAndGet(now, Math::max);
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        inside.decrementAndGet();
                        if (i == 7) {
                            throw new LlmException(ErrorKind.INVALID_REQUEST, "seven");
                        }
                        if (i == 8) {
                            throw new IllegalStateException("eight");
                        }
                        return i * 2;
                    },
                    Secret.NONE,
                    "test");
            assertEquals(20, results.size());
            for (int i = 0; i < 20; i++) {
                CompletionStage<Integer> r = results.get(i);
                if (i == 7 || i == 8) {
                    CompletionException e = assertThrows(
                            CompletionException.class,
                            () -> r.toCompletableFuture().join());
                    assertInstanceOf(LlmException.class, e.getCause());
                } else {
                    assertEquals(i * 2, r.toCompletableFuture().get(10, TimeUnit.SECONDS));
                }
            }
            assertTrue(most.get() <= 3, "at most 3 at once: " + most.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStoppedExecutorFailsEveryItem() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        List<CompletionStage<String>> results =
                Batches.run(List.of("a", "b"), 2, pool, s -> s, Secret.NONE, "provider x");
        LlmException e = assertInstanceOf(
                LlmException.class,
                assertThrows(
                                CompletionException.class,
                                () -> results.get(1).toCompletableFuture().join())
                        .getCause());
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertEquals("provider x is stopped", e.getMessage());
    }

    @Test
    void effectiveConcurrency() {
        assertEquals(4, Batches.effectiveConcurrency(0, 4));
        assertEquals(2, Batches.effectiveConcurrency(2, 4));
        assertEquals(4, Batches.effectiveConcurrency(10, 4));
        assertEquals(1, Batches.effectiveConcurrency(-1, 0));
    }

    @Test
    void configValues() {
        assertEquals("acme-1", ConfigValues.requireId(" acme-1 "));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.requireId(null));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.requireId("a b"));
        assertEquals(URI.create("https://api.anthropic.com"), ConfigValues.baseUrl("", "https://api.anthropic.com/"));
        assertEquals(URI.create("http://127.0.0.1:8080/v1"), ConfigValues.baseUrl("http://127.0.0.1:8080/v1//", "x"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.baseUrl("ftp://host", "x"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.baseUrl("not a url", "x"));
        assertEquals(List.of("a", "b"), ConfigValues.splitList(" a, ,b,a "));
        assertEquals(List.of(), ConfigValues.splitList(null));
    }
}
