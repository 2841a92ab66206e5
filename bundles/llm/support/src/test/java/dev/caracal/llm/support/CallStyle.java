package dev.caracal.llm.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The two ways to run a {@link RetryPolicy}: {@link RetryPolicy#call} on the calling thread and
 * {@link RetryPolicy#callAsync} without a waiting thread. A test run both ways shows that they decide alike.
 */
enum CallStyle {
    BLOCKING {
        @Override
        <T> CompletableFuture<T> run(
                RetryPolicy policy,
                Supplier<T> attempt,
                Delayer delayer,
                BooleanSupplier stopped,
                RetryPolicy.Listener listener) {
            try {
                return CompletableFuture.completedFuture(policy.call(attempt, delayer, stopped, listener));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    },
    ASYNC {
        /** Each attempt's outcome is its stage's: a value completes it, a failure fails it. */
        @Override
        <T> CompletableFuture<T> run(
                RetryPolicy policy,
                Supplier<T> attempt,
                Delayer delayer,
                BooleanSupplier stopped,
                RetryPolicy.Listener listener) {
            return policy.callAsync(() -> stageOf(attempt), delayer, stopped, listener);
        }
    };

    /**
     * Runs {@code attempt} under {@code policy}; the future holds the result, or the failure the call ended with
     * (thrown by the blocking call, failing the asynchronous one).
     */
    abstract <T> CompletableFuture<T> run(
            RetryPolicy policy,
            Supplier<T> attempt,
            Delayer delayer,
            BooleanSupplier stopped,
            RetryPolicy.Listener listener);

    private static <T> CompletionStage<T> stageOf(Supplier<T> attempt) {
        try {
            return CompletableFuture.completedFuture(attempt.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
