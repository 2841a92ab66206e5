package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ChatResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What many calls through {@link RandomChatModel}s came to, call by call, from any number of threads; then the check
 * that it adds up: each answer came from its call's last attempt, a retryable failure ended a call only once every
 * target was tried, every provider call is one attempt, and the targets' health counts the same successes and
 * retryable failures.
 */
final class CallTally {
    private final LongAdder answered = new LongAdder();
    private final LongAdder exhausted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder succeededAttempts = new LongAdder();
    private final LongAdder retryableFailedAttempts = new LongAdder();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    void answered(CallContext context, ChatResponse response) {
        answered.increment();
        Attempt last = context.attempts().get(context.attempts().size() - 1);
        if (!last.succeeded() || !last.providerId().equals(response.id())) {
            problems.add("last attempt did not serve: " + context.attempts());
        }
        count(context);
    }

    void failed(CallContext context, Throwable failure) {
        if (failure instanceof GatewayException e) {
            if (e.exhausted()) {
                exhausted.increment();
            } else {
                rejected.increment();
                if (e.kind().retryable()) {
                    problems.add("a retryable failure was not retried: " + e);
                }
            }
            if (!e.attempts().equals(context.attempts())) {
                problems.add("exception attempts differ from the context's");
            }
        } else {
            unexpected.increment();
            problems.add("unexpected " + failure);
        }
        count(context);
    }

    private void count(CallContext context) {
        for (Attempt at : context.attempts()) {
            attempts.increment();
            if (at.succeeded()) {
                succeededAttempts.increment();
            } else if (at.error().retryable()) {
                retryableFailedAttempts.increment();
            }
        }
    }

    /** Calls that failed with something other than a {@link GatewayException}. */
    long unexpected() {
        return unexpected.sum();
    }

    /** Asserts the {@code calls} recorded add up with what {@code models} and {@code gw}'s health counted. */
    void assertAddsUp(long calls, List<RandomChatModel> models, GatewayComponent gw) {
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));
        long ok = answered.sum();
        assertEquals(calls, ok + exhausted.sum() + rejected.sum());
        assertTrue(
                ok > 0 && exhausted.sum() > 0 && rejected.sum() > 0,
                ok + " ok, " + exhausted.sum() + " exhausted, " + rejected.sum() + " rejected");
        long providerCalls = models.stream().mapToLong(m -> m.calls.sum()).sum();
        long providerAnswers = models.stream().mapToLong(m -> m.answers.sum()).sum();
        assertEquals(providerCalls, attempts.sum(), "every provider call is an attempt");
        assertEquals(providerAnswers, ok, "every answer served exactly one call");
        assertEquals(ok, succeededAttempts.sum());
        List<TargetHealth> health = gw.health();
        assertEquals(
                succeededAttempts.sum(),
                health.stream().mapToLong(TargetHealth::successes).sum());
        assertEquals(
                retryableFailedAttempts.sum(),
                health.stream().mapToLong(TargetHealth::failures).sum());
    }
}
