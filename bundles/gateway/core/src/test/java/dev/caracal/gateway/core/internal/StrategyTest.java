package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ErrorKind;
import org.junit.jupiter.api.Test;

class StrategyTest extends TwoProvidersTestSupport {

    private String call(String route) {
        return gw.complete(Support.context(), Support.request(route)).text();
    }

    @Test
    void weightedDrawFollowsTheWeights() {
        Support.route(gw, "w", "a/m*3, b/m*1", "strategy", "weighted");
        int n = 4000;
        for (int i = 0; i < n; i++) {
            call("w");
        }
        double share = a.calls.get() / (double) n;
        assertEquals(n, a.calls.get() + b.calls.get());
        // expected 0.75; the standard deviation of the share is about 0.007, so this bound is generous
        assertTrue(share > 0.70 && share < 0.80, "share of a: " + share);
    }

    @Test
    void weightedFallsBackByDescendingWeight() {
        ScriptedChatModel c = Support.provider(gw, "c", "m");
        Support.route(gw, "w", "a/m*1, b/m*0, c/m*5", "strategy", "weighted");
        c.always(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        a.always(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        gw.configure(new Settings(1000, 10 * S, 20 * S, 1, 0, 30 * S, true));
        for (int i = 0; i < 50; i++) {
            CallContext ctx = Support.context();
            assertEquals("hello from b", gw.complete(ctx, Support.request("w")).text());
            // the zero-weight target is never drawn first; after the drawn one the rest go by weight: c, a, b
            String first = ctx.attempts().get(0).providerId();
            assertTrue(first.equals("a") || first.equals("c"), first);
            assertEquals("b", ctx.attempts().get(ctx.attempts().size() - 1).providerId());
            assertEquals(3, ctx.attempts().size());
        }
    }

    @Test
    void weightedDrawsOnlyAmongUsableTargets() {
        Support.route(gw, "w", "a/m*9, b/m*1", "strategy", "weighted");
        gw.configure(Support.breakerOpeningAtOnce(20));
        a.then(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        while (a.calls.get() == 0) {
            call("w");
        }
        int before = a.calls.get();
        for (int i = 0; i < 100; i++) {
            CallContext ctx = Support.context();
            gw.complete(ctx, Support.request("w"));
            assertEquals(1, ctx.attempts().size());
            assertEquals("b", ctx.attempts().get(0).providerId());
        }
        assertEquals(before, a.calls.get());
    }

    @Test
    void leastLatencyPrefersTheFasterTarget() {
        Support.route(gw, "ll", "a/m, b/m", "strategy", "least-latency");
        a.always(new ScriptedChatModel.Slow(ticker, 500, ScriptedChatModel.answer("a")));
        b.always(new ScriptedChatModel.Slow(ticker, 100, ScriptedChatModel.answer("b")));
        assertEquals("a", call("ll"), "untried targets first, in listed order");
        assertEquals("b", call("ll"), "then the other untried one");
        for (int i = 0; i < 20; i++) {
            assertEquals("b", call("ll"));
        }
        TargetHealth hb = gw.health().stream()
                .filter(h -> h.target().providerId().equals("b"))
                .findFirst()
                .orElseThrow();
        assertEquals(100.0, hb.latencyMillis(), 0.001);

        // b slows down: its average rises above a's and a is preferred again
        b.always(new ScriptedChatModel.Slow(ticker, 2000, ScriptedChatModel.answer("b")));
        int calls = 0;
        while (!call("ll").equals("a")) {
            assertTrue(++calls < 20, "a never came back");
        }
        assertTrue(calls >= 2, "one slow answer should not flip the order: " + calls);
    }

    @Test
    void leastLatencyPutsTargetsThatOnlyFailedLast() {
        ScriptedChatModel c = Support.provider(gw, "c", "m");
        Support.route(gw, "ll", "a/m, b/m, c/m", "strategy", "least-latency");
        a.always(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        b.always(new ScriptedChatModel.Slow(ticker, 300, ScriptedChatModel.answer("b")));
        c.always(new ScriptedChatModel.Slow(ticker, 200, ScriptedChatModel.answer("c")));
        call("ll"); // a fails, b answers
        call("ll"); // c untried: first
        CallContext ctx = Support.context();
        assertEquals("c", gw.complete(ctx, Support.request("ll")).text());
        assertEquals(1, ctx.attempts().size());
        c.always(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        ctx = Support.context();
        assertEquals("b", gw.complete(ctx, Support.request("ll")).text());
        assertEquals("c", ctx.attempts().get(0).providerId());
    }
}
