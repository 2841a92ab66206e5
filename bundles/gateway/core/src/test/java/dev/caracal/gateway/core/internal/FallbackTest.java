package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ErrorKind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FallbackTest extends ChainTestSupport {

    static List<ErrorKind> retryable() {
        return Arrays.stream(ErrorKind.values()).filter(ErrorKind::retryable).toList();
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorKind.class,
            names = {"RATE_LIMITED", "OVERLOADED", "TIMEOUT", "CONNECTION", "UPSTREAM", "UNAVAILABLE"})
    void fallsBackOnEveryRetryableKind(ErrorKind kind) {
        a.then(ScriptedChatModel.fail(kind));
        CallContext ctx = Support.context();
        assertEquals("hello from b", gw.complete(ctx, Support.request("chain")).text());
        List<Attempt> attempts = ctx.attempts();
        assertEquals(2, attempts.size());
        assertEquals("a", attempts.get(0).providerId());
        assertEquals("m-a", attempts.get(0).model());
        assertEquals(kind, attempts.get(0).error());
        assertFalse(attempts.get(0).succeeded());
        assertEquals("b", attempts.get(1).providerId());
        assertTrue(attempts.get(1).succeeded());
        assertEquals(List.of("m-b"), b.requestedModels);
        assertEquals(0, c.calls.get());
    }

    @Test
    void everyRetryableKindIsCovered() {
        assertEquals(6, retryable().size());
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorKind.class,
            names = {"INVALID_REQUEST", "AUTHENTICATION", "CONTEXT_LENGTH", "CONTENT_FILTER"})
    void noFallbackOnARequestError(ErrorKind kind) {
        a.then(ScriptedChatModel.fail(kind));
        CallContext ctx = Support.context();
        GatewayException e = assertThrows(GatewayException.class, () -> gw.complete(ctx, Support.request("chain")));
        assertNoFallback(kind, e, ctx);
    }

    @Test
    void aProviderThatThrowsCountsAsAConnectionFailure() {
        a.then(new ScriptedChatModel.Crash("bundle stopped"));
        CallContext ctx = Support.context();
        assertEquals("hello from b", gw.complete(ctx, Support.request("chain")).text());
        assertEquals(ErrorKind.CONNECTION, ctx.attempts().get(0).error());
        assertTrue(ctx.attempts().get(0).message().contains("bundle stopped"));
        assertEquals(1, health("a/m-a").failures());
    }

    @Test
    void whenEveryTargetFailsTheCallIsExhausted() {
        failEveryTargetOnce();
        CallContext ctx = Support.context();
        GatewayException e = assertThrows(GatewayException.class, () -> gw.complete(ctx, Support.request("chain")));
        assertEveryTargetFailed(e, ctx);
    }

    @Test
    void eachTargetIsTriedOncePerCall() {
        a.always(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        b.always(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        c.always(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        assertThrows(GatewayException.class, () -> gw.complete(Support.context(), Support.request("chain")));
        assertEquals(1, a.calls.get());
        assertEquals(1, b.calls.get());
        assertEquals(1, c.calls.get());
    }

    @Test
    void maxAttemptsLimitsTheTargetsTried() {
        gw.configure(new Settings(5, 10 * S, 300 * S, 1, 2, 30 * S, true));
        a.then(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        b.then(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        GatewayException e =
                assertThrows(GatewayException.class, () -> gw.complete(Support.context(), Support.request("chain")));
        assertTrue(e.exhausted());
        assertEquals(0, c.calls.get());
        assertTrue(e.getMessage().contains("maxAttempts"), e.getMessage());
    }

    @Test
    void absentProvidersAreSkippedAndAllAbsentIsUnavailable() {
        Support.route(gw, "ghosts", "x/m, y/m");
        GatewayException e =
                assertThrows(GatewayException.class, () -> gw.complete(Support.context(), Support.request("ghosts")));
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertTrue(e.exhausted());
        assertTrue(e.getMessage().contains("x/m: skipped, provider not present"), e.getMessage());
        assertTrue(e.attempts().isEmpty());
    }

    @Test
    void aSuccessfulCallRecordsOneAttempt() {
        CallContext ctx = Support.context();
        gw.complete(ctx, Support.request("chain"));
        assertEquals(1, ctx.attempts().size());
        Attempt at = ctx.attempts().get(0);
        assertNull(at.error());
        assertEquals(0, at.upstreamStatus());
        assertSame(null, at.message());
        assertEquals(1, health("a/m-a").successes());
    }
}
