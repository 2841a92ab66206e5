package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.gateway.TargetHealth.BreakerState;
import dev.caracal.llm.ErrorKind;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BreakerTest extends TwoProvidersTestSupport {

    @BeforeEach
    void setUp() {
        gw.configure(new Settings(3, 10 * S, 40 * S, 1, 0, 30 * S, true));
        Support.route(gw, "r", "a/m, b/m");
    }

    private String call() {
        return gw.complete(Support.context(), Support.request("r")).text();
    }

    @Test
    void opensAfterTheThresholdRefusesThenProbesWithDoublingBackoff() {
        a.always(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        for (int i = 0; i < 2; i++) {
            assertEquals("hello from b", call());
        }
        assertEquals(BreakerState.CLOSED, health("a/m").state());
        assertEquals(2, health("a/m").consecutiveFailures());
        assertEquals("hello from b", call());
        TargetHealth open = health("a/m");
        assertEquals(BreakerState.OPEN, open.state());
        assertEquals(ticker.instantAt(ticker.nanos() + 10 * S), open.retryAt());
        assertEquals(3, a.calls.get());

        // refused while open: the call goes straight to b and records one attempt
        CallContext ctx = Support.context();
        assertEquals("hello from b", gw.complete(ctx, Support.request("r")).text());
        assertEquals(3, a.calls.get());
        assertEquals(1, ctx.attempts().size());
        ticker.advanceSeconds(9.9);
        call();
        assertEquals(3, a.calls.get());

        // due: one probe, which fails: open again for 20 s, then 40 s, then capped at 40 s
        double[] waits = {0.1, 20, 40};
        long[] periods = {20, 40, 40};
        for (int k = 0; k < periods.length; k++) {
            long period = periods[k];
            ticker.advanceSeconds(waits[k]);
            int before = a.calls.get();
            call();
            assertEquals(before + 1, a.calls.get(), "a probe goes through");
            TargetHealth h = health("a/m");
            assertEquals(BreakerState.OPEN, h.state());
            assertEquals(ticker.instantAt(ticker.nanos() + period * S), h.retryAt(), "period " + period);
        }

        // a successful probe closes it and resets the backoff
        a.always(ScriptedChatModel.answer("a is back"));
        ticker.advanceSeconds(40);
        assertEquals("a is back", call());
        TargetHealth closed = health("a/m");
        assertEquals(BreakerState.CLOSED, closed.state());
        assertEquals(0, closed.consecutiveFailures());
        assertNull(closed.retryAt());

        a.always(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        call();
        call();
        call();
        assertEquals(ticker.instantAt(ticker.nanos() + 10 * S), health("a/m").retryAt());
    }

    @Test
    void successesResetTheConsecutiveCount() {
        a.then(
                ScriptedChatModel.fail(ErrorKind.TIMEOUT),
                ScriptedChatModel.fail(ErrorKind.TIMEOUT),
                ScriptedChatModel.answer("ok"),
                ScriptedChatModel.fail(ErrorKind.TIMEOUT),
                ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        for (int i = 0; i < 5; i++) {
            call();
        }
        TargetHealth h = health("a/m");
        assertEquals(BreakerState.CLOSED, h.state());
        assertEquals(2, h.consecutiveFailures());
        assertEquals(4, h.failures());
        assertEquals(1, h.successes());
        assertTrue(h.lastError().startsWith("TIMEOUT"), h.lastError());
    }

    @Test
    void halfOpenLetsOnlyTheConfiguredProbesThrough() throws Exception {
        gw.configure(Support.breakerOpeningAtOnce(40));
        a.then(ScriptedChatModel.fail(ErrorKind.UPSTREAM));
        call();
        assertEquals(BreakerState.OPEN, health("a/m").state());
        ticker.advanceSeconds(10);
        CountDownLatch release = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(release, ScriptedChatModel.answer("probe ok")));
        CompletableFuture<String> probe = CompletableFuture.supplyAsync(this::call);
        while (a.blocked.get() == 0) {
            Thread.onSpinWait();
        }
        assertEquals(BreakerState.HALF_OPEN, health("a/m").state());
        assertEquals("hello from b", call(), "the probe slot is taken: a is skipped");
        assertEquals(2, a.calls.get());
        release.countDown();
        assertEquals("probe ok", probe.get(10, TimeUnit.SECONDS));
        assertEquals(BreakerState.CLOSED, health("a/m").state());
        assertEquals("hello from a", call());
    }

    @Test
    void twoProbesWhenConfigured() throws Exception {
        gw.configure(new Settings(1, 10 * S, 40 * S, 2, 0, 30 * S, true));
        a.then(ScriptedChatModel.fail(ErrorKind.UPSTREAM));
        call();
        ticker.advanceSeconds(10);
        CountDownLatch release = new CountDownLatch(1);
        a.then(
                new ScriptedChatModel.Block(release, ScriptedChatModel.answer("1")),
                new ScriptedChatModel.Block(release, ScriptedChatModel.answer("2")));
        CompletableFuture<String> p1 = CompletableFuture.supplyAsync(this::call);
        CompletableFuture<String> p2 = CompletableFuture.supplyAsync(this::call);
        while (a.blocked.get() < 2) {
            Thread.onSpinWait();
        }
        assertEquals("hello from b", call());
        release.countDown();
        p1.get(10, TimeUnit.SECONDS);
        p2.get(10, TimeUnit.SECONDS);
        assertEquals(BreakerState.CLOSED, health("a/m").state());
    }

    @Test
    void aRequestErrorDuringAProbeFreesTheSlotWithoutAVerdict() {
        gw.configure(Support.breakerOpeningAtOnce(40));
        a.then(ScriptedChatModel.fail(ErrorKind.UPSTREAM), ScriptedChatModel.fail(ErrorKind.INVALID_REQUEST));
        call();
        ticker.advanceSeconds(10);
        assertThrows(GatewayException.class, this::call);
        assertEquals(BreakerState.HALF_OPEN, health("a/m").state());
        assertEquals("hello from a", call(), "the next call may probe");
        assertEquals(BreakerState.CLOSED, health("a/m").state());
    }

    @Test
    void whenEveryBreakerIsOpenTheCallIsExhaustedWithARetryAfter() {
        gw.configure(Support.breakerOpeningAtOnce(40));
        a.always(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        b.always(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        assertThrows(GatewayException.class, this::call);
        ticker.advanceSeconds(2.5);
        GatewayException e = assertThrows(GatewayException.class, this::call);
        assertTrue(e.exhausted());
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertEquals(Duration.ofSeconds(8), e.retryAfter());
        assertTrue(e.getMessage().contains("a/m: skipped, circuit open for 8 s"), e.getMessage());
        assertTrue(e.attempts().isEmpty());
    }

    @Test
    void configurationChangesApplyLive() {
        gw.configure(Settings.DEFAULTS); // threshold 5
        a.always(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        call();
        call();
        assertEquals(BreakerState.CLOSED, health("a/m").state());
        gw.configure(new Settings(3, 2 * S, 4 * S, 1, 0, 30 * S, true));
        call();
        TargetHealth h = health("a/m");
        assertEquals(BreakerState.OPEN, h.state());
        assertEquals(ticker.instantAt(ticker.nanos() + 2 * S), h.retryAt());
    }

    @Test
    void breakerStateMachine() {
        Settings s = new Settings(2, 10 * S, 25 * S, 1, 0, 30 * S, true);
        Breaker br = new Breaker();
        long t = 0;
        assertEquals(Breaker.Permit.NORMAL, br.tryAcquire(t, s));
        br.onFailure(Breaker.Permit.NORMAL, t, s);
        br.onFailure(Breaker.Permit.NORMAL, t, s);
        assertEquals(BreakerState.OPEN, br.state().state());
        assertNull(br.tryAcquire(t + 10 * S - 1, s));
        assertTrue(br.allows(t + 10 * S, s));
        assertEquals(Breaker.Permit.PROBE, br.tryAcquire(t + 10 * S, s));
        assertNull(br.tryAcquire(t + 10 * S, s));
        // a late failure of a call let through before the breaker opened changes nothing
        br.onFailure(Breaker.Permit.NORMAL, t + 10 * S, s);
        assertEquals(BreakerState.HALF_OPEN, br.state().state());
        br.onFailure(Breaker.Permit.PROBE, t + 10 * S, s);
        assertEquals(20 * S, br.state().openNanos());
        assertEquals(Breaker.Permit.PROBE, br.tryAcquire(t + 30 * S, s));
        br.onFailure(Breaker.Permit.PROBE, t + 30 * S, s);
        assertEquals(25 * S, br.state().openNanos(), "capped");
        assertEquals(Breaker.Permit.PROBE, br.tryAcquire(t + 55 * S, s));
        br.onSuccess(Breaker.Permit.PROBE);
        assertEquals(BreakerState.CLOSED, br.state().state());
        assertEquals(0, br.state().consecutiveFailures());
    }
}
