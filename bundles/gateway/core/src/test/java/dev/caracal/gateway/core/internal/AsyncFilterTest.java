package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The filter chain of {@code Gateway.completeAsync}: order, the three forms of filters, answers and failures. */
class AsyncFilterTest extends FilterTestSupport {

    @BeforeEach
    void answerLater() {
        a.async();
    }

    private CompletionStage<ChatResponse> call(CallContext context, String model) {
        return gw.completeAsync(context, Support.request(model));
    }

    private static ChatResponse wrapped(String name, ChatResponse r) {
        return new ChatResponse(
                r.id(),
                r.model(),
                List.of(new ContentPart.Text(name + "(" + r.text() + ")")),
                r.stopReason(),
                r.usage());
    }

    /** The blocking completion of a filter that notes its name and wraps the answer in it. */
    private TestFilters.Completion tracedBlocking(String name) {
        return (context, request, chain) -> {
            trace.add(name);
            return wrapped(name, chain.complete(context, request));
        };
    }

    /** A filter with both completions of its own; it notes its name and wraps the answer in it. */
    private GatewayFilter async(String name) {
        return TestFilters.completingBothWays(name, tracedBlocking(name), (context, request, chain) -> {
            trace.add(name);
            return chain.completeAsync(context, request).thenApply(r -> wrapped(name, r));
        });
    }

    /** A filter that only knows the blocking completion; it notes its name and wraps the answer in it. */
    private GatewayFilter blocking(String name) {
        return TestFilters.completing(name, tracedBlocking(name));
    }

    /** A filter of streams only. */
    private GatewayFilter streamOnly(String name) {
        return TestFilters.streaming(name, (context, request, handler, chain) -> {
            trace.add(name);
            return chain.stream(context, request, handler);
        });
    }

    /** A filter whose asynchronous completion does {@code body}. */
    private static GatewayFilter asyncDoing(
            String name, Function<GatewayFilter.Chain, CompletionStage<ChatResponse>> body) {
        return TestFilters.completingAsync(name, (context, request, chain) -> body.apply(chain));
    }

    @Test
    void filtersOfEveryFormRunByDescendingRanking() throws Exception {
        Support.filter(gw, async("low"), -5);
        Support.filter(gw, streamOnly("stream"), 5);
        Support.filter(gw, async("high"), 100);
        Support.filter(gw, blocking("mid"), 10);
        Support.filter(gw, async("top"), 200);
        assertEquals(
                "top(high(mid(low(hello from a))))",
                Support.join(call(Support.context(), "ma")).text());
        assertEquals(List.of("top", "high", "mid", "low"), trace);
        assertEquals(List.of("top", "high", "mid", "stream", "low"), gw.filterNames());
    }

    /**
     * Calls completeAsync on a thread of its own (so a chain that blocks would not hang the test) while a's answer is
     * held back, and tells whether completeAsync returned before the answer was released.
     */
    private boolean returnsWhileTheProviderIsPending(String expected) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(release, ScriptedChatModel.answer("late")));
        int before = a.blocked.get();
        CompletableFuture<CompletionStage<ChatResponse>> returned =
                CompletableFuture.supplyAsync(() -> call(Support.context(), "ma"));
        try {
            Support.await(() -> a.blocked.get() == before + 1, "the call reached a");
            boolean returnedFirst;
            try {
                CompletionStage<ChatResponse> stage = returned.get(10, TimeUnit.SECONDS);
                returnedFirst = !stage.toCompletableFuture().isDone();
            } catch (java.util.concurrent.TimeoutException e) {
                returnedFirst = false;
            }
            release.countDown();
            assertEquals(
                    expected, Support.join(returned.get(10, TimeUnit.SECONDS)).text());
            return returnedFirst;
        } finally {
            release.countDown();
        }
    }

    @Test
    void anAsyncFilterHoldsNoThread() throws Exception {
        Support.filter(gw, async("f"), 0);
        assertTrue(returnsWhileTheProviderIsPending("f(late)"));
    }

    @Test
    void aFilterOfStreamsOnlyDoesNotForceTheBlockingPath() throws Exception {
        Support.filter(gw, streamOnly("stream"), 10);
        Support.filter(gw, () -> "named-lambda", 5); // completes neither way either
        assertTrue(returnsWhileTheProviderIsPending("late"));
        assertTrue(trace.isEmpty());
    }

    @Test
    void aBlockingOnlyFilterKeepsItsFullEffectHoldingTheCallingThread() throws Exception {
        Support.filter(gw, async("outer"), 10);
        Support.filter(gw, blocking("inner"), 0);
        CountDownLatch release = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(release, ScriptedChatModel.answer("late")));
        CompletableFuture<CompletionStage<ChatResponse>> returned =
                CompletableFuture.supplyAsync(() -> call(Support.context(), "ma"));
        try {
            Support.await(() -> a.blocked.get() == 1, "the call reached a");
            // the blocking filter wraps the rest of the chain, so the call cannot have returned yet
            assertFalse(returned.isDone());
        } finally {
            release.countDown();
        }
        CompletionStage<ChatResponse> stage = returned.get(10, TimeUnit.SECONDS);
        assertEquals("outer(inner(late))", Support.join(stage).text());
        assertEquals(List.of("outer", "inner"), trace);
    }

    @Test
    void aFilterCanAnswerWithoutTheChain() throws Exception {
        ChatResponse cached = new ChatResponse(
                "cached", "ma", List.of(new ContentPart.Text("from cache")), StopReason.END_TURN, null);
        Support.filter(gw, async("after-cache"), 1);
        GatewayFilter cache = asyncDoing("cache", chain -> CompletableFuture.completedFuture(cached));
        Support.filter(gw, cache, 50);
        CallContext ctx = Support.context();
        CompletionStage<ChatResponse> stage = call(ctx, "ma");
        assertTrue(stage.toCompletableFuture().isDone());
        assertSame(cached, Support.join(stage));
        gw.unbindFilter(cache, java.util.Map.of());

        Support.filter(gw, TestFilters.completing("blocking-cache", (context, request, chain) -> cached), 50);
        assertSame(cached, Support.join(call(ctx, "ma")));
        assertEquals(0, a.calls.get());
        assertTrue(trace.isEmpty());
        assertTrue(ctx.attempts().isEmpty());
    }

    @Test
    void aFilterCanChangeTheRequestAndTheAnswer() throws Exception {
        Support.filter(
                gw,
                TestFilters.completingAsync("rewrite", (context, request, chain) -> {
                    context.attributes().put("tenant", "t1");
                    return chain.completeAsync(context, request.withModel("mb")).thenApply(r -> wrapped("rewrite", r));
                }),
                0);
        CallContext ctx = Support.context();
        assertEquals("rewrite(hello from a)", Support.join(call(ctx, "ma")).text());
        assertEquals(List.of("mb"), a.requestedModels);
        assertEquals("t1", ctx.attributes().get("tenant"));
    }

    @Test
    void aRefusalEndsTheCallWithItsExceptionHoweverTheFilterDeliversIt() throws Exception {
        LlmException refusal = new LlmException(ErrorKind.RATE_LIMITED, "slow down", 429, null, null);
        List<GatewayFilter> limiters = List.of(
                asyncDoing("failed-stage", chain -> CompletableFuture.failedFuture(refusal)),
                asyncDoing("thrown", chain -> {
                    throw refusal;
                }),
                asyncDoing(
                        "wrapped",
                        chain -> CompletableFuture.<ChatResponse>completedFuture(null)
                                .thenApply(r -> {
                                    throw refusal;
                                })),
                TestFilters.completing("blocking", (context, request, chain) -> {
                    throw refusal;
                }));
        Support.filter(gw, async("first"), 10);
        for (GatewayFilter limiter : limiters) {
            Support.filter(gw, limiter, 5);
            assertSame(refusal, Support.failure(LlmException.class, call(Support.context(), "ma")), limiter.name());
            gw.unbindFilter(limiter, java.util.Map.of());
        }
        assertEquals(0, a.calls.get());
    }

    @Test
    void routingFailuresPassThroughFiltersUnchanged() throws Exception {
        Support.filter(gw, async("outer"), 10);
        Support.filter(gw, streamOnly("stream"), 5);
        Support.route(gw, "ghosts", "x/m");
        GatewayException missing = Support.failure(GatewayException.class, call(Support.context(), "nope"));
        assertEquals(ErrorKind.NOT_FOUND, missing.kind());
        GatewayException exhausted = Support.failure(GatewayException.class, call(Support.context(), "ghosts"));
        assertTrue(exhausted.exhausted());
        assertEquals(ErrorKind.UNAVAILABLE, exhausted.kind());
    }

    @Test
    void aBrokenFilterIsReportedByNameAsOnTheBlockingPath() throws Exception {
        List<GatewayFilter> broken = List.of(
                asyncDoing("failed-stage", chain -> CompletableFuture.failedFuture(new NullPointerException("oops"))),
                asyncDoing("thrown", chain -> {
                    throw new NullPointerException("oops");
                }),
                asyncDoing("no-stage", chain -> null),
                asyncDoing("null-answer", chain -> CompletableFuture.completedFuture(null)));
        for (GatewayFilter f : broken) {
            Support.filter(gw, f, 0);
            GatewayException e = Support.failure(GatewayException.class, call(Support.context(), "ma"));
            assertEquals(ErrorKind.UNAVAILABLE, e.kind(), f.name());
            assertFalse(e.exhausted());
            assertTrue(e.getMessage().startsWith("gateway filter '" + f.name() + "' failed: "), e.getMessage());
            gw.unbindFilter(f, java.util.Map.of());
        }

        Support.filter(gw, TestFilters.completing("null", (context, request, chain) -> null), 0);
        GatewayException async = Support.failure(GatewayException.class, call(Support.context(), "ma"));
        GatewayException blocking =
                assertThrows(GatewayException.class, () -> gw.complete(Support.context(), Support.request("ma")));
        assertEquals(blocking.getMessage(), async.getMessage());
        assertEquals(
                "gateway filter 'null' failed: java.lang.IllegalStateException: the filter answered null",
                async.getMessage());
    }
}
