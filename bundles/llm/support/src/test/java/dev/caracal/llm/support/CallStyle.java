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
    BLOCKING(CallStyle::blocking),
    ASYNC(CallStyle::async);

    /** One way to run an attempt under a policy. */
    @FunctionalInterface
    interface Runner {
        CompletableFuture<Object> run(
                RetryPolicy policy,
                Supplier<Object> attempt,
                Delayer delayer,
                BooleanSupplier stopped,
                RetryPolicy.Listener listener);
    }

    private final Runner runner;

    CallStyle(Runner runner) {
        this.runner = runner;
    }

    /**
     * Runs {@code attempt} under {@code policy}; the future holds the result, or the failure the call ended with
     * (thrown by the blocking call, failing the asynchronous one).
     */
    CompletableFuture<Object> run(
            RetryPolicy policy,
            Supplier<Object> attempt,
            Delayer delayer,
            BooleanSupplier stopped,
            RetryPolicy.Listener listener) {
        return runner.run(policy, attempt, delayer, stopped, listener);
    }

    private static CompletableFuture<Object> blocking(
            RetryPolicy policy,
            Supplier<Object> attempt,
            Delayer delayer,
            BooleanSupplier stopped,
            RetryPolicy.Listener listener) {
        return outcomeOf(() -> policy.call(attempt, delayer, stopped, listener)).toCompletableFuture();
    }

    /** Each attempt's outcome is its stage's: a value completes it, a failure fails it. */
    private static CompletableFuture<Object> async(
            RetryPolicy policy,
            Supplier<Object> attempt,
            Delayer delayer,
            BooleanSupplier stopped,
            RetryPolicy.Listener listener) {
        return policy.callAsync(() -> outcomeOf(attempt), delayer, stopped, listener);
    }

    /** What {@code work} returns, or the failure it throws, as a completed stage. */
    private static CompletionStage<Object> outcomeOf(Supplier<Object> work) {
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
