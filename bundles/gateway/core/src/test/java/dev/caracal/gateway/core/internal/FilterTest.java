package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import dev.caracal.llm.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterTest extends FilterTestSupport {

    /** A filter that notes its name and passes the call on. */
    private GatewayFilter tracing(String name) {
        return TestFilters.completingAndStreaming(
                name,
                (context, request, chain) -> {
                    trace.add(name);
                    return chain.complete(context, request);
                },
                (context, request, handler, chain) -> {
                    trace.add(name);
                    return chain.stream(context, request, handler);
                });
    }

    @Test
    void filtersRunByDescendingRankingThenRegistration() {
        Support.filter(gw, tracing("low"), -5);
        Support.filter(gw, tracing("mid-1"), 10);
        Support.filter(gw, tracing("high"), 100);
        Support.filter(gw, tracing("mid-2"), 10);
        Support.filter(gw, tracing("zero"), 0);
        gw.complete(Support.context(), Support.request("ma"));
        assertEquals(List.of("high", "mid-1", "mid-2", "zero", "low"), trace);
        assertEquals(trace, gw.filterNames());
    }

    @Test
    void aFilterCanAnswerWithoutTheChain() {
        ChatResponse cached = new ChatResponse(
                "cached", "ma", List.of(new ContentPart.Text("from cache")), StopReason.END_TURN, null);
        Support.filter(gw, tracing("after-cache"), 1);
        Support.filter(gw, TestFilters.completing("cache", (context, request, chain) -> cached), 50);
        CallContext ctx = Support.context();
        assertSame(cached, gw.complete(ctx, Support.request("ma")));
        assertEquals(0, a.calls.get());
        assertTrue(trace.isEmpty());
        assertTrue(ctx.attempts().isEmpty());
    }

    @Test
    void aFilterCanChangeTheRequestAndTheAnswer() {
        Support.filter(
                gw,
                TestFilters.completing("rewrite", (context, request, chain) -> {
                    context.attributes().put("tenant", "t1");
                    ChatResponse r = chain.complete(context, request.withModel("mb"));
                    return new ChatResponse(
                            r.id(),
                            r.model(),
                            List.of(new ContentPart.Text(r.text().toUpperCase(Locale.ROOT))),
                            r.stopReason(),
                            r.usage());
                }),
                0);
        CallContext ctx = Support.context();
        assertEquals("HELLO FROM A", gw.complete(ctx, Support.request("ma")).text());
        assertEquals(List.of("mb"), a.requestedModels);
        assertEquals("t1", ctx.attributes().get("tenant"));
    }

    @Test
    void aFilterRefusalEndsTheCallWithItsException() {
        LlmException refusal = new LlmException(ErrorKind.RATE_LIMITED, "slow down", 429, null, null);
        Support.filter(gw, tracing("first"), 10);
        Support.filter(
                gw,
                TestFilters.completingAndStreaming(
                        "limiter",
                        (context, request, chain) -> {
                            throw refusal;
                        },
                        (context, request, handler, chain) -> {
                            throw refusal;
                        }),
                5);
        LlmException e = assertThrows(LlmException.class, () -> gw.complete(Support.context(), Support.request("ma")));
        assertSame(refusal, e);
        assertEquals(0, a.calls.get());

        List<StreamEvent> events = new ArrayList<>();
        gw.stream(Support.context(), Support.request("ma"), events::add);
        assertEquals(1, events.size());
        assertSame(refusal, ((StreamEvent.Error) events.get(0)).error());
    }

    @Test
    void aBrokenFilterIsReportedByName() {
        Support.filter(
                gw,
                TestFilters.completing("buggy", (context, request, chain) -> {
                    throw new NullPointerException("oops");
                }),
                0);
        GatewayException e =
                assertThrows(GatewayException.class, () -> gw.complete(Support.context(), Support.request("ma")));
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("'buggy'"), e.getMessage());
    }

    @Test
    void aStreamFilterCanWrapTheHandler() throws Exception {
        Support.filter(
                gw,
                TestFilters.streaming(
                        "shout",
                        (context, request, handler, chain) -> chain.stream(
                                context,
                                request,
                                event -> handler.onEvent(
                                        event instanceof StreamEvent.TextDelta d
                                                ? new StreamEvent.TextDelta(
                                                        d.index(), d.text().toUpperCase(Locale.ROOT))
                                                : event))),
                0);
        Support.Recorder rec = new Support.Recorder();
        gw.stream(Support.context(), Support.request("ma"), rec);
        rec.awaitEnd();
        rec.assertCompleteStream();
        assertEquals("HELLO FROM A", rec.text());
    }

    @Test
    void aFilterThatLeavesIsSkippedByLaterCalls() {
        GatewayFilter f = tracing("gone");
        Support.filter(gw, f, 0);
        gw.complete(Support.context(), Support.request("ma"));
        gw.unbindFilter(f, Map.of());
        gw.complete(Support.context(), Support.request("ma"));
        assertEquals(List.of("gone"), trace);
        assertInstanceOf(List.class, gw.filterNames());
        assertTrue(gw.filterNames().isEmpty());
    }
}
