package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.Route;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DynamicServicesTest {
    private GatewayComponent gw;
    private ScriptedChatModel a;
    private ScriptedChatModel b;

    @BeforeEach
    void setUp() {
        gw = Support.gateway(new FakeTicker());
        a = Support.provider(gw, "a", "ma");
        b = Support.provider(gw, "b", "mb");
        Support.route(gw, "r", "a/ma, b/mb");
    }

    private String call(String model) {
        return gw.complete(Support.context(), Support.request(model)).text();
    }

    @Test
    void aProviderRemovedMidRunIsSkippedByLaterCallsWhileItsCallInFlightFinishes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(release, ScriptedChatModel.answer("in flight")));
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> call("r"));
        while (a.blocked.get() == 0) {
            Thread.onSpinWait();
        }
        Support.unbind(gw, a);
        assertFalse(Support.health(gw, "a/ma").providerPresent());
        assertTrue(gw.routes().stream().noneMatch(r -> r.name().equals("ma")), "a's implicit route is gone");
        for (int i = 0; i < 10; i++) {
            CallContext ctx = Support.context();
            assertEquals("hello from b", gw.complete(ctx, Support.request("r")).text());
            assertEquals(1, ctx.attempts().size());
        }
        assertEquals(1, a.calls.get());
        release.countDown();
        assertEquals("in flight", inFlight.get(10, TimeUnit.SECONDS));
        GatewayException e = assertThrows(GatewayException.class, () -> call("ma"));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());

        Support.bind(gw, a);
        assertTrue(Support.health(gw, "a/ma").providerPresent());
        assertEquals("hello from a", call("r"));
        assertEquals("hello from a", call("ma"));
    }

    @Test
    void theBestRankedInstanceOfAProviderIdServesIt() {
        ScriptedChatModel a2 = new ScriptedChatModel("a", "ma");
        a2.always(ScriptedChatModel.answer("a2"));
        Map<String, Object> props = Support.props("a");
        props.put("service.ranking", 10);
        gw.bindChatModel(a2, props);
        assertEquals("a2", call("r"));
        gw.unbindChatModel(a2, props);
        assertEquals("hello from a", call("r"));
    }

    @Test
    void routeConfigurationChangesApplyLive() {
        RouteConfigComponent c = Support.route(gw, "live", "a/ma");
        assertEquals("hello from a", call("live"));
        Map<String, Object> p = new HashMap<>();
        p.put("name", "live");
        p.put("aliases", "living");
        p.put("targets", "b/mb");
        p.put("service.pid", "dev.caracal.gateway.route~live");
        c.configure(p);
        gw.updatedRouteConfig(c);
        assertEquals("hello from b", call("live"));
        assertEquals("hello from b", call("living"));
        gw.unbindRouteConfig(c);
        assertThrows(GatewayException.class, () -> call("live"));
    }

    @Test
    void healthListsEveryTargetOfEveryRouteOnce() {
        Support.route(gw, "ghost", "x/y, a/ma");
        List<String> targets =
                gw.health().stream().map(h -> h.target().toString()).toList();
        assertEquals(List.of("x/y", "a/ma", "b/mb"), targets);
        assertFalse(Support.health(gw, "x/y").providerPresent());
        assertTrue(Support.health(gw, "b/mb").providerPresent());
        assertEquals(
                List.of("ghost", "r", "ma", "mb"),
                gw.routes().stream().map(Route::name).toList());
    }

    @Test
    void breakerStateSurvivesAnUnrelatedRebuild() {
        gw.configure(Support.breakerOpeningAtOnce(20));
        a.then(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        call("r");
        assertEquals(TargetHealth.BreakerState.OPEN, Support.health(gw, "a/ma").state());
        Support.provider(gw, "c", "mc");
        Support.route(gw, "other", "c/mc");
        assertEquals(TargetHealth.BreakerState.OPEN, Support.health(gw, "a/ma").state());
    }

    // ---------------------------------------------------------------- embeddings

    @Test
    void embedsWithTheNamedModelFallingBackAmongSameNamedOnes() {
        FakeEmbedder local = new FakeEmbedder("minilm");
        FakeEmbedder remote = new FakeEmbedder("minilm");
        FakeEmbedder other = new FakeEmbedder("text-embedding-3-small");
        Support.embedding(gw, local, "minilm", null);
        Support.embedding(gw, remote, "minilm", "openai-main");
        Support.embedding(gw, other, "text-embedding-3-small", "openai-main");

        CallContext ctx = Support.context();
        assertEquals(2, gw.embed(ctx, "minilm", List.of("a", "bb")).vectors().size());
        assertEquals(1, local.calls.get());
        assertEquals("local", ctx.attempts().get(0).providerId());

        local.failure = new LlmException(ErrorKind.UNAVAILABLE, "model unloading");
        ctx = Support.context();
        gw.embed(ctx, "minilm", List.of("a"));
        assertEquals(1, remote.calls.get());
        assertEquals(2, ctx.attempts().size());

        gw.embed(Support.context(), "openai-main/text-embedding-3-small", List.of("x"));
        assertEquals(1, other.calls.get());

        other.failure = new LlmException(ErrorKind.INVALID_REQUEST, "too long");
        GatewayException bad = assertThrows(
                GatewayException.class, () -> gw.embed(Support.context(), "text-embedding-3-small", List.of("x")));
        assertEquals(ErrorKind.INVALID_REQUEST, bad.kind());
        assertFalse(bad.exhausted());

        remote.failure = new LlmException(ErrorKind.TIMEOUT, "slow");
        GatewayException all =
                assertThrows(GatewayException.class, () -> gw.embed(Support.context(), "minilm", List.of("x")));
        assertTrue(all.exhausted());
        assertEquals(ErrorKind.TIMEOUT, all.kind());

        GatewayException missing =
                assertThrows(GatewayException.class, () -> gw.embed(Support.context(), "nope", List.of("x")));
        assertEquals(ErrorKind.NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("minilm, text-embedding-3-small"), missing.getMessage());

        gw.unbindEmbeddingModel(local, Map.of());
        local.failure = null;
        remote.failure = null;
        CallContext after = Support.context();
        gw.embed(after, "minilm", List.of("x"));
        assertEquals("openai-main", after.attempts().get(0).providerId());
        assertSame(1, after.attempts().size());
    }
}
