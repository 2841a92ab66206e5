package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a batch with bounded concurrency, as {@code ChatModel.batch} promises: items start in order, at most
 * {@code concurrency} at once, and each item's stage completes or fails on its own (an {@link LlmException}, other
 * runtime exceptions mapped by {@link HttpErrors#fromThrowable}). {@link #runAsync} holds no thread while items are in
 * flight; {@link #run} has workers that each wait for one item at a time, for blocking work.
 */
public final class Batches {

    private Batches() {}

    /**
     * The concurrency of a batch: the caller's request capped by the configured limit; a request of 0 or less means
     * the configured limit (itself at least 1).
     */
    public static int effectiveConcurrency(int requested, int configured) {
        int limit = Math.max(1, configured);
        return requested <= 0 ? limit : Math.min(requested, limit);
    }

    /**
     * Starts {@code min(concurrency, items.size())} workers on {@code executor} and returns one stage per item, in
     * item order. If the executor refuses every worker (it is shut down), every stage fails with
     * {@code UNAVAILABLE}: "{@code owner} is stopped".
     */
    public static <I, O> List<CompletionStage<O>> run(
            List<I> items,
            int concurrency,
            Executor executor,
            Function<? super I, ? extends O> work,
            Secret secret,
            String owner) {
        List<I> list = List.copyOf(items);
        Objects.requireNonNull(work, "work");
        List<CompletableFuture<O>> results = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            results.add(new CompletableFuture<>());
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            int i;
            while ((i = next.getAndIncrement()) < list.size()) {
                try {
                    results.get(i).complete(work.apply(list.get(i)));
                } catch (LlmException e) {
                    results.get(i).completeExceptionally(e);
                } catch (RuntimeException e) {
                    results.get(i).completeExceptionally(HttpErrors.fromThrowable(e, secret));
                }
            }
        };
        int started = 0;
        for (int w = 0; w < Math.min(Math.max(1, concurrency), list.size()); w++) {
            try {
                executor.execute(worker);
                started++;
            } catch (RejectedExecutionException e) {
                break;
            }
        }
        if (started == 0 && !list.isEmpty()) {
            LlmException gone = new LlmException(ErrorKind.UNAVAILABLE, owner + " is stopped");
            results.forEach(r -> r.completeExceptionally(gone));
        }
        return List.copyOf(results);
    }

    /**
     * Starts {@code min(concurrency, items.size())} items at once and each further item when one in flight completes,
     * in item order; returns one stage per item, in item order. No thread waits: {@code work} must start an item and
     * return its stage (it runs on the calling thread for the first items, then on the thread that completed an
     * earlier item). An item whose {@code work} throws, or whose stage fails, fails on its own.
     */
    public static <I, O> List<CompletionStage<O>> runAsync(
            List<I> items,
            int concurrency,
            Function<? super I, ? extends CompletionStage<? extends O>> work,
            Secret secret) {
        AsyncBatch<I, O> batch = new AsyncBatch<>(
                List.copyOf(items), Math.max(1, concurrency), Objects.requireNonNull(work, "work"), secret);
        batch.pump();
        return List.copyOf(batch.results);
    }

    /**
     * The state of one {@link #runAsync}. {@link #pump} starts items while fewer than the bound are in flight; only
     * one thread pumps at a time (a completion arriving while another thread pumps, or inside {@code work} itself,
     * only asks that pump to look again), so items start in order and a batch of items failing at once does not
     * recurse.
     */
    private static final class AsyncBatch<I, O> {
        final List<I> items;
        final int concurrency;
        final Function<? super I, ? extends CompletionStage<? extends O>> work;
        final Secret secret;
        final List<CompletableFuture<O>> results;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger pumpRequests = new AtomicInteger();
        /** The next item to start; only the pumping thread reads or moves it. */
        int next;

        AsyncBatch(
                List<I> items,
                int concurrency,
                Function<? super I, ? extends CompletionStage<? extends O>> work,
                Secret secret) {
            this.items = items;
            this.concurrency = concurrency;
            this.work = work;
            this.secret = secret;
            this.results = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                results.add(new CompletableFuture<>());
            }
        }

        void pump() {
            if (pumpRequests.getAndIncrement() != 0) {
                return;
            }
            do {
                while (next < items.size() && inFlight.get() < concurrency) {
                    int i = next++;
                    inFlight.incrementAndGet();
                    start(i);
                }
            } while (pumpRequests.decrementAndGet() != 0);
        }

        private void start(int i) {
            CompletionStage<? extends O> stage;
            try {
                stage = work.apply(items.get(i));
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((value, failure) -> {
                if (failure == null) {
                    results.get(i).complete(value);
                } else {
                    results.get(i).completeExceptionally(HttpErrors.fromThrowable(failure, secret));
                }
                inFlight.decrementAndGet();
                pump();
            });
        }
    }
}
