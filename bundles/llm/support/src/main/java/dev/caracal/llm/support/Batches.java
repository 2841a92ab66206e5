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
 * Runs a batch with bounded concurrency, as {@code ChatModel.batch} promises: at most {@code concurrency} workers
 * take the items in order, each item's stage completes or fails on its own (an {@link LlmException}, other runtime
 * exceptions mapped by {@link HttpErrors#fromThrowable}).
 */
public final class Batches {

    private Batches() {
    }

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
    public static <I, O> List<CompletionStage<O>> run(List<I> items, int concurrency, Executor executor,
                                                      Function<? super I, ? extends O> work, Secret secret,
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
}
