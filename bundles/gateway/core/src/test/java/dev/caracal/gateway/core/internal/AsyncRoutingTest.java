package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.gateway.TargetHealth.BreakerState;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code Gateway.completeAsync} routes with the blocking path's semantics, without holding a thread. */
class AsyncRoutingTest extends ChainTestSupport {

    @BeforeEach
    void answerLater() {
        a.async();
        b.async();
        c.async();
    }

    private CompletionStage<ChatResponse> call(CallContext context, String model) {
        return gw.completeAsync(context, Support.request(model));
    }

    @Test
    void returnsBeforeThePendingProviderAnswersAndCompletesOnItsThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(
                release, new ScriptedChatModel.Slow(ticker, 40, ScriptedChatModel.answer("late"))));
        CallContext ctx = Support.context();
        CompletionStage<ChatResponse> stage = call(ctx, "chain");
        // completeAsync has returned although a's answer cannot have come yet: no thread of the caller waits for it
        assertFalse(stage.toCompletableFuture().isDone());
        CompletableFuture<String> completedOn =
                stage.thenApply(r -> Thread.currentThread().getName()).toCompletableFuture();
        Support.await(() -> a.blocked.get() == 1, "a holds the call");
        assertTrue(ctx.attempts().isEmpty());
        release.countDown();

        // first the dependent's thread: a thread joining the stage may itself run dependents not yet run
        assertEquals("scripted-a-async", completedOn.get(10, TimeUnit.SECONDS));
        assertEquals("late", Support.join(stage).text());
        assertEquals(List.of(new Attempt("a", "m-a", 40, null, 0, null)), ctx.attempts());
        TargetHealth h = health("a/m-a");
        assertEquals(1, h.successes());
        assertEquals(40.0, h.latencyMillis());
        assertEquals(0, b.calls.get());
    }

    @Test
    void oneCallingThreadHasManyCallsPendingAtOnce() throws Exception {
        int n = 250; // more than Jetty's default pool of 200 threads
        CountDownLatch release = new CountDownLatch(1);
        a.always(new ScriptedChatModel.Block(release, ScriptedChatModel.answer("done")));
        List<CompletionStage<ChatResponse>> stages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            stages.add(call(Support.context(), "chain"));
        }
        Support.await(() -> a.blocked.get() == n, "every call reached a");
        assertTrue(stages.stream().noneMatch(s -> s.toCompletableFuture().isDone()));
        release.countDown();
        for (CompletionStage<ChatResponse> s : stages) {
            assertEquals("done", Support.join(s).text());
        }
        assertEquals(n, health("a/m-a").successes());
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorKind.class,
            names = {"RATE_LIMITED", "OVERLOADED", "TIMEOUT", "CONNECTION", "UPSTREAM", "UNAVAILABLE"})
    void fallsBackOnEveryRetryableKind(ErrorKind kind) throws Exception {
        a.then(ScriptedChatModel.fail(kind));
        CallContext ctx = Support.context();
        assertEquals("hello from b", Support.join(call(ctx, "chain")).text());
        List<Attempt> attempts = ctx.attempts();
        assertEquals(2, attempts.size());
        assertEquals(
                new Attempt("a", "m-a", 0, kind, kind == ErrorKind.RATE_LIMITED ? 429 : 503, "a says " + kind),
                attempts.get(0));
        assertEquals(new Attempt("b", "m-b", 0, null, 0, null), attempts.get(1));
        assertEquals(List.of("m-b"), b.requestedModels);
        assertEquals(0, c.calls.get());
        assertEquals(1, health("a/m-a").failures());
        assertEquals(1, health("a/m-a").consecutiveFailures());
    }

    @ParameterizedTest
    @EnumSource(
            value = ErrorKind.class,
            names = {"INVALID_REQUEST", "AUTHENTICATION", "CONTEXT_LENGTH", "CONTENT_FILTER"})
    void noFallbackOnARequestError(ErrorKind kind) throws Exception {
        a.then(ScriptedChatModel.fail(kind));
        CallContext ctx = Support.context();
        GatewayException e = Support.failure(GatewayException.class, call(ctx, "chain"));
        assertNoFallback(kind, e, ctx);
        assertEquals(ctx.attempts(), e.attempts());
        assertEquals(kind + ": a says " + kind, health("a/m-a").lastError());
    }

    @Test
    void aProviderThrowingFromCompleteAsyncCountsAsAConnectionFailure() throws Exception {
        a.then(new ScriptedChatModel.Crash("bundle stopped"));
        CallContext ctx = Support.context();
        assertEquals("hello from b", Support.join(call(ctx, "chain")).text());
        assertEquals(ErrorKind.CONNECTION, ctx.attempts().get(0).error());
        assertTrue(
                ctx.attempts().get(0).message().contains("bundle stopped"),
                ctx.attempts().get(0).message());
        assertEquals(1, health("a/m-a").failures());
    }

    @Test
    void noAnswerIsAnUpstreamFailureAsOnTheBlockingPath() throws Exception {
        a.then(new ScriptedChatModel.Nothing());
        CallContext async = Support.context();
        assertEquals("hello from b", Support.join(call(async, "chain")).text());

        ScriptedChatModel s = Support.provider(gw, "s", "m"); // answers through the API default
        Support.route(gw, "sync", "s/m, b/m-b");
        s.then(new ScriptedChatModel.Nothing());
        CallContext sync = Support.context();
        assertEquals("hello from b", Support.join(call(sync, "sync")).text());

        a.then(new ScriptedChatModel.Nothing());
        CallContext blocking = Support.context();
        assertEquals(
                "hello from b", gw.complete(blocking, Support.request("chain")).text());

        assertEquals(blocking.attempts(), async.attempts());
        assertEquals(
                new Attempt("a", "m-a", 0, ErrorKind.UPSTREAM, 0, "provider 'a' returned no answer"),
                async.attempts().get(0));
        assertEquals(
                new Attempt("s", "m", 0, ErrorKind.UPSTREAM, 0, "provider 's' returned no answer"),
                sync.attempts().get(0));
    }

    @Test
    void whenEveryTargetFailsTheCallIsExhaustedExactlyAsOnTheBlockingPath() throws Exception {
        failEveryTargetOnce();
        CallContext ctx = Support.context();
        GatewayException e = Support.failure(GatewayException.class, call(ctx, "chain"));
        assertEveryTargetFailed(e, ctx);
        assertEquals(1, a.calls.get());
        assertEquals(1, b.calls.get());
        assertEquals(1, c.calls.get());

        failEveryTargetOnce();
        CallContext blockingCtx = Support.context();
        GatewayException blocking =
                assertThrows(GatewayException.class, () -> gw.complete(blockingCtx, Support.request("chain")));
        assertEquals(blocking.getMessage(), e.getMessage());
        assertEquals(blocking.kind(), e.kind());
        assertEquals(blocking.upstreamStatus(), e.upstreamStatus());
        assertEquals(blocking.retryAfter(), e.retryAfter());
        assertEquals(blocking.exhausted(), e.exhausted());
        assertEquals(blocking.attempts(), e.attempts());
        assertEquals(blocking.getCause().getClass(), e.getCause().getClass());
    }

    @Test
    void maxAttemptsLimitsTheTargetsTried() throws Exception {
        gw.configure(new Settings(5, 10 * S, 300 * S, 1, 2, 30 * S, true));
        a.then(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        b.then(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        GatewayException e = Support.failure(GatewayException.class, call(Support.context(), "chain"));
        assertTrue(e.exhausted());
        assertEquals(ErrorKind.TIMEOUT, e.kind());
        assertEquals(2, e.attempts().size());
        assertEquals(0, c.calls.get());
        assertTrue(e.getMessage().endsWith("; maxAttempts reached"), e.getMessage());
    }

    @Test
    void absentProvidersAndUnknownModelsFailAtOnceOnTheCallersThread() throws Exception {
        Support.route(gw, "ghosts", "x/m, y/m");
        CompletionStage<ChatResponse> ghosts = call(Support.context(), "ghosts");
        assertTrue(ghosts.toCompletableFuture().isDone());
        GatewayException e = Support.failure(GatewayException.class, ghosts);
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertTrue(e.exhausted());
        assertTrue(e.getMessage().contains("x/m: skipped, provider not present"), e.getMessage());
        assertTrue(e.attempts().isEmpty());

        CompletionStage<ChatResponse> unknown = call(Support.context(), "nope");
        assertTrue(unknown.toCompletableFuture().isDone());
        GatewayException missing = Support.failure(GatewayException.class, unknown);
        assertEquals(ErrorKind.NOT_FOUND, missing.kind());
        assertFalse(missing.exhausted());

        Support.failure(NullPointerException.class, gw.completeAsync(null, Support.request("chain")));
    }

    @Test
    void anOpenBreakerIsSkippedAndAHalfOpenOneLetsOneAsyncProbeThrough() throws Exception {
        gw.configure(Support.breakerOpeningAtOnce(40));
        a.then(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        assertEquals(
                "hello from b", Support.join(call(Support.context(), "chain")).text());
        assertEquals(BreakerState.OPEN, health("a/m-a").state());

        assertBAloneServes(1);

        ticker.advanceSeconds(10);
        CountDownLatch release = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(release, ScriptedChatModel.answer("a is back")));
        CompletionStage<ChatResponse> probe = call(Support.context(), "chain");
        Support.await(() -> a.blocked.get() == 1, "the probe reached a");
        assertEquals(BreakerState.HALF_OPEN, health("a/m-a").state());

        assertBAloneServes(2);

        release.countDown();
        assertEquals("a is back", Support.join(probe).text());
        assertEquals(BreakerState.CLOSED, health("a/m-a").state());
        assertEquals(
                "hello from a", Support.join(call(Support.context(), "chain")).text());
    }

    /** A call of the chain is served by b without trying a, which has had {@code aCalls} calls. */
    private void assertBAloneServes(int aCalls) throws Exception {
        CallContext ctx = Support.context();
        assertEquals("hello from b", Support.join(call(ctx, "chain")).text());
        assertEquals(aCalls, a.calls.get());
        assertEquals(List.of("b"), Support.providersTried(ctx));
    }

    @Test
    void aFailedAsyncProbeReopensTheBreakerForTwiceAsLong() throws Exception {
        gw.configure(Support.breakerOpeningAtOnce(40));
        a.then(ScriptedChatModel.fail(ErrorKind.TIMEOUT), ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        Support.join(call(Support.context(), "chain"));
        ticker.advanceSeconds(10);
        CallContext probe = Support.context();
        assertEquals("hello from b", Support.join(call(probe, "chain")).text());
        assertEquals(2, probe.attempts().size());
        TargetHealth h = health("a/m-a");
        assertEquals(BreakerState.OPEN, h.state());
        assertEquals(ticker.instantAt(ticker.nanos() + 20 * S), h.retryAt());
    }

    @Test
    void aProviderAnsweringThroughTheApiDefaultAnswersAtOnceOnTheCallersThread() throws Exception {
        GatewayComponent g = Support.gateway(new FakeTicker());
        ScriptedChatModel s = Support.provider(g, "s", "m");
        ScriptedChatModel t = Support.provider(g, "t", "m");
        Support.route(g, "r", "s/m, t/m");
        s.then(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        CallContext ctx = Support.context();
        CompletionStage<ChatResponse> stage = g.completeAsync(ctx, Support.request("r"));
        assertTrue(stage.toCompletableFuture().isDone());
        assertEquals("hello from t", Support.join(stage).text());
        String me = Thread.currentThread().getName();
        assertEquals(List.of(me), s.threads);
        assertEquals(List.of(me), t.threads);
        assertEquals(2, ctx.attempts().size());
    }

    @Test
    void aBlockingOnlyProviderReachedFromAnotherProvidersThreadRunsOnAThreadOfItsOwn() throws Exception {
        // a provider with only the blocking complete (the API's default completeAsync)
        ScriptedChatModel z = new ScriptedChatModel("z", "m");
        gw.bindChatModel(new ForwardingChatModel(z), Support.props("z"));
        Support.route(gw, "mixed", "a/m-a, z/m-z");
        // a fails only once the call has left the caller (a failure that arrives at once is settled on the caller's
        // thread, which then asks z itself, as the API default would)
        CountDownLatch failLater = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(failLater, ScriptedChatModel.fail(ErrorKind.TIMEOUT)));
        CallContext ctx = Support.context();
        CompletionStage<ChatResponse> mixed = call(ctx, "mixed");
        Support.await(() -> a.blocked.get() == 1, "a holds the call");
        failLater.countDown();
        assertEquals("hello from z", Support.join(mixed).text());
        assertEquals(2, ctx.attempts().size());
        String ran = z.threads.get(0);
        assertNotEquals("scripted-a-async", ran);
        assertTrue(ran.startsWith("caracal-gateway-blocking-"), ran);

        // first in line, it runs on the caller's thread, as the API's default does
        Support.route(gw, "first", "z/m-z");
        assertEquals(
                "hello from z", Support.join(call(Support.context(), "first")).text());
        assertEquals(Thread.currentThread().getName(), z.threads.get(1));

        z.then(ScriptedChatModel.fail(ErrorKind.CONTENT_FILTER));
        a.then(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        GatewayException e = Support.failure(GatewayException.class, call(Support.context(), "mixed"));
        assertEquals(ErrorKind.CONTENT_FILTER, e.kind());
        assertEquals(2, e.attempts().size());
    }

    @Test
    void aLongRunOfTargetsFailingAtOnceIteratesInsteadOfRecursing() throws Exception {
        int n = 10_000;
        StringBuilder targets = new StringBuilder();
        String[] models = new String[n];
        for (int i = 0; i < n; i++) {
            models[i] = "m" + i;
            targets.append(i == 0 ? "" : ", ").append("s/m").append(i);
        }
        ScriptedChatModel s = Support.provider(gw, "s", models); // fails synchronously, through the API default
        s.always(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        Support.route(gw, "long", targets.toString());
        AtomicReference<CompletionStage<ChatResponse>> stage = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread small = new Thread(
                null,
                () -> {
                    try {
                        stage.set(call(Support.context(), "long"));
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                },
                "small-stack",
                256 * 1024);
        small.start();
        small.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(small.isAlive());
        assertEquals(null, thrown.get());
        GatewayException e = Support.failure(GatewayException.class, stage.get());
        assertTrue(e.exhausted());
        assertEquals(n, e.attempts().size());
        assertEquals(n, s.calls.get());
    }

    @Test
    void aProviderThatLeavesMidCallStillAnswersTheCallInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(release, ScriptedChatModel.answer("in flight")));
        CallContext inFlightCtx = Support.context();
        CompletionStage<ChatResponse> inFlight = call(inFlightCtx, "chain");
        Support.await(() -> a.blocked.get() == 1, "the call reached a");
        Support.unbind(gw, a);
        assertFalse(health("a/m-a").providerPresent());
        for (int i = 0; i < 5; i++) {
            CallContext ctx = Support.context();
            assertEquals("hello from b", Support.join(call(ctx, "chain")).text());
            assertEquals(1, ctx.attempts().size());
        }
        assertFalse(inFlight.toCompletableFuture().isDone());
        release.countDown();
        assertEquals("in flight", Support.join(inFlight).text());
        assertEquals(List.of("a"), Support.providersTried(inFlightCtx));
        assertEquals(1, a.calls.get());
        assertEquals(1, health("a/m-a").successes());
    }
}
