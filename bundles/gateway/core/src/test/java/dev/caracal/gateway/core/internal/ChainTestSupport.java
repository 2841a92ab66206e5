package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ErrorKind;
import java.time.Duration;

/**
 * Providers {@code a}, {@code b} and {@code c} behind route {@code chain} ({@code a/m-a, b/m-b, c/m-c}): what falling
 * back along it must do, on the blocking and the asynchronous path alike.
 */
abstract class ChainTestSupport extends TwoProvidersTestSupport {
    final ScriptedChatModel c = Support.provider(gw, "c", "m");

    ChainTestSupport() {
        Support.route(gw, "chain", "a/m-a, b/m-b, c/m-c");
    }

    /** Each target fails its next call its own way: a overloaded, b crashing, c rate limited with a hint of 7 s. */
    void failEveryTargetOnce() {
        a.then(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        b.then(new ScriptedChatModel.Crash("gone"));
        c.then(new ScriptedChatModel.Fail(ErrorKind.RATE_LIMITED, 429, Duration.ofSeconds(7)));
    }

    /** The call failed after {@link #failEveryTargetOnce()}: exhausted, as the last target failed, naming each. */
    static void assertEveryTargetFailed(GatewayException e, CallContext ctx) {
        assertTrue(e.exhausted());
        assertEquals(ErrorKind.RATE_LIMITED, e.kind());
        assertEquals(429, e.upstreamStatus());
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        assertEquals(3, e.attempts().size());
        assertEquals(ctx.attempts(), e.attempts());
        String m = e.getMessage();
        assertTrue(m.startsWith("no target of route 'chain' could serve the call: "), m);
        assertTrue(m.contains("a/m-a: overloaded (503)"), m);
        assertTrue(m.contains("b/m-b: connection"), m);
        assertTrue(m.contains("c/m-c: rate_limited (429)"), m);
    }

    /** A request error of {@code kind} from a ended the call: no fallback, and a's breaker did not count it. */
    void assertNoFallback(ErrorKind kind, GatewayException e, CallContext ctx) {
        assertEquals(kind, e.kind());
        assertFalse(e.exhausted());
        assertEquals(400, e.upstreamStatus());
        assertEquals("a says " + kind, e.getMessage());
        assertEquals(1, ctx.attempts().size());
        assertEquals(0, b.calls.get());
        TargetHealth h = health("a/m-a");
        assertEquals(0, h.failures());
        assertEquals(0, h.consecutiveFailures());
    }
}
