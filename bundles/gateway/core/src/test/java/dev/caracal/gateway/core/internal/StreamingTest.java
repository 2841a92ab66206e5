package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamingTest extends TwoProvidersTestSupport {

    @BeforeEach
    void setUp() {
        Support.route(gw, "r", "a/m-a, b/m-b");
    }

    private Support.Recorder stream(CallContext ctx, String model) throws InterruptedException {
        Support.Recorder rec = new Support.Recorder();
        gw.stream(ctx, Support.request(model), rec);
        rec.awaitEnd();
        return rec;
    }

    @Test
    void aTargetFailingBeforeItsFirstTokenIsReplacedInvisibly() throws Exception {
        a.then(new ScriptedChatModel.StreamError(ErrorKind.OVERLOADED, true));
        CallContext ctx = Support.context();
        Support.Recorder rec = stream(ctx, "r");
        rec.assertCompleteStream();
        assertEquals("hello from b", rec.text());
        List<StreamEvent> events = rec.snapshot();
        assertEquals(new StreamEvent.Start("b-s", "m-b"), events.get(0));
        assertInstanceOf(StreamEvent.UsageUpdate.class, events.get(1), "held usage follows the start");
        assertEquals(2, ctx.attempts().size());
        assertEquals(ErrorKind.OVERLOADED, ctx.attempts().get(0).error());
        assertTrue(ctx.attempts().get(1).succeeded());
        assertEquals(1, health("a/m-a").failures());
        assertEquals(1, health("b/m-b").successes());
    }

    @Test
    void aFailureWithoutAnyEventAndASynchronousThrowAreReplacedToo() throws Exception {
        ScriptedChatModel c = Support.provider(gw, "c", "m");
        Support.route(gw, "three", "a/m, b/m, c/m");
        a.then(new ScriptedChatModel.StreamError(ErrorKind.TIMEOUT, false));
        b.then(new ScriptedChatModel.Crash("stopping"));
        Support.Recorder rec = stream(Support.context(), "three");
        rec.assertCompleteStream();
        assertEquals("hello from c", rec.text());
    }

    @Test
    void anErrorAfterContentIsForwarded() throws Exception {
        a.then(new ScriptedChatModel.Stream(List.of("x", "y"), ErrorKind.UPSTREAM));
        CallContext ctx = Support.context();
        Support.Recorder rec = stream(ctx, "r");
        assertNull(rec.violation);
        List<StreamEvent> events = rec.snapshot();
        assertInstanceOf(StreamEvent.Start.class, events.get(0));
        assertEquals("xy", rec.text());
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, rec.last());
        assertEquals(ErrorKind.UPSTREAM, error.error().kind());
        assertEquals(0, b.calls.get());
        assertEquals(1, health("a/m-a").failures());
        assertEquals(1, ctx.attempts().size());
    }

    @Test
    void thinkingIsContentAFailureAfterItIsForwardedNotReplaced() throws Exception {
        a.then(new ScriptedChatModel.Events(List.of(
                new StreamEvent.ThinkingDelta(0, "let me see"),
                new StreamEvent.Error(new dev.caracal.llm.LlmException(ErrorKind.OVERLOADED, "a overloaded")))));
        CallContext ctx = Support.context();
        Support.Recorder rec = stream(ctx, "r");
        assertNull(rec.violation);
        List<StreamEvent> events = rec.snapshot();
        assertInstanceOf(StreamEvent.Start.class, events.get(0));
        assertEquals(new StreamEvent.ThinkingDelta(0, "let me see"), events.get(1));
        assertEquals(
                ErrorKind.OVERLOADED,
                assertInstanceOf(StreamEvent.Error.class, rec.last()).error().kind());
        assertEquals(0, b.calls.get(), "the client already saw a's thinking: no fallback");
    }

    @Test
    void thinkingEventsPassThroughInOrder() throws Exception {
        List<StreamEvent> answer = List.of(
                new StreamEvent.RedactedThinking(0, "opaque"),
                new StreamEvent.ThinkingDelta(1, "hmm"),
                new StreamEvent.ThinkingSignature(1, "sig"),
                new StreamEvent.TextDelta(2, "done"),
                new StreamEvent.End(dev.caracal.llm.StopReason.END_TURN));
        a.then(new ScriptedChatModel.Events(answer));
        Support.Recorder rec = stream(Support.context(), "r");
        rec.assertCompleteStream();
        assertEquals(answer, rec.snapshot().subList(1, rec.snapshot().size()));
    }

    @Test
    void aRequestErrorEndsTheStreamAtOnce() throws Exception {
        a.then(new ScriptedChatModel.StreamError(ErrorKind.INVALID_REQUEST, true));
        Support.Recorder rec = stream(Support.context(), "r");
        assertEquals(1, rec.snapshot().size(), "no start, only the error: " + rec.snapshot());
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, rec.last());
        GatewayException ge = assertInstanceOf(GatewayException.class, error.error());
        assertEquals(ErrorKind.INVALID_REQUEST, ge.kind());
        assertFalse(ge.exhausted());
        assertEquals(0, b.calls.get());
    }

    @Test
    void whenEveryTargetFailsTheOnlyEventIsAnExhaustedError() throws Exception {
        a.then(new ScriptedChatModel.StreamError(ErrorKind.OVERLOADED, true));
        b.then(ScriptedChatModel.fail(ErrorKind.RATE_LIMITED));
        Support.Recorder rec = stream(Support.context(), "r");
        assertEquals(1, rec.snapshot().size(), rec.snapshot().toString());
        GatewayException ge = assertInstanceOf(GatewayException.class, ((StreamEvent.Error) rec.last()).error());
        assertTrue(ge.exhausted());
        assertEquals(ErrorKind.RATE_LIMITED, ge.kind());
        assertEquals(2, ge.attempts().size());
    }

    @Test
    void anUnknownModelIsANotFoundErrorEvent() throws Exception {
        Support.Recorder rec = stream(Support.context(), "nope");
        GatewayException ge = assertInstanceOf(GatewayException.class, ((StreamEvent.Error) rec.last()).error());
        assertEquals(ErrorKind.NOT_FOUND, ge.kind());
    }

    @Test
    void anEmptyAnswerStillStartsAndEnds() throws Exception {
        a.then(new ScriptedChatModel.Stream(List.of(), null));
        Support.Recorder rec = stream(Support.context(), "r");
        rec.assertCompleteStream();
        assertEquals(2, rec.snapshot().size());
    }

    @Test
    void cancelReachesTheActiveAttempt() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        a.then(new ScriptedChatModel.StreamError(ErrorKind.CONNECTION, false));
        b.then(new ScriptedChatModel.Block(never, ScriptedChatModel.answer("late")));
        Support.Recorder rec = new Support.Recorder();
        StreamHandle handle = gw.stream(Support.context(), Support.request("r"), rec);
        while (b.blocked.get() == 0) {
            Thread.onSpinWait();
        }
        handle.cancel();
        handle.cancel();
        // b's thread may count itself blocked before its handle has reached the call: the cancel then reaches it
        // as soon as it does
        Support.await(() -> b.cancels.get() > 0, "b cancelled");
        assertEquals(1, b.cancels.get());
        assertEquals(0, a.cancels.get());
        never.countDown();
        assertTrue(rec.snapshot().isEmpty());
        TargetHealth hb = health("b/m-b");
        assertEquals(0, hb.failures());
        assertEquals(0, hb.successes());
    }

    @Test
    void cancelAfterContentStopsTheStream() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Partial(List.of("one ", "two"), never));
        Support.Recorder rec = new Support.Recorder();
        StreamHandle handle = gw.stream(Support.context(), Support.request("r"), rec);
        while (a.blocked.get() == 0) {
            Thread.onSpinWait();
        }
        handle.cancel();
        assertEquals(1, a.cancels.get());
        assertEquals("one two", rec.text());
        assertEquals(1, rec.ended.getCount(), "a cancelled stream gets no terminal event");
    }

    /** Starts a stream of route r and waits until a's scripted step holds it. */
    private Support.Recorder streamHeldByA() throws InterruptedException {
        Support.Recorder rec = new Support.Recorder();
        gw.stream(Support.context(), Support.request("r"), rec);
        Support.await(() -> a.blocked.get() > 0, "a holds the stream");
        return rec;
    }

    @Test
    void aProviderLeavingBeforeTheFirstTokenFailsOver() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(never, ScriptedChatModel.answer("never")));
        Support.Recorder rec = streamHeldByA();
        Support.unbind(gw, a);
        rec.awaitEnd();
        rec.assertCompleteStream();
        assertEquals("hello from b", rec.text());
        assertEquals(1, a.cancels.get());
    }

    @Test
    void aProviderLeavingAfterContentEndsTheStreamWithAnError() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Partial(List.of("partial"), never));
        Support.Recorder rec = streamHeldByA();
        Support.unbind(gw, a);
        rec.awaitEnd();
        assertNull(rec.violation);
        assertEquals("partial", rec.text());
        assertEquals(
                ErrorKind.UNAVAILABLE, ((StreamEvent.Error) rec.last()).error().kind());
        assertEquals(0, b.calls.get());
    }

    @Test
    void latencyIsTheTimeToTheFirstEvent() throws Exception {
        a.then(new ScriptedChatModel.Slow(ticker, 250, ScriptedChatModel.answer("slowly then all at once")));
        stream(Support.context(), "r");
        assertEquals(250.0, health("a/m-a").latencyMillis(), 0.001);
    }

    @Test
    void aHandlerThatThrowsCancelsTheStream() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Partial(List.of("x", "y", "z"), never));
        CountDownLatch threw = new CountDownLatch(1);
        gw.stream(Support.context(), Support.request("r"), event -> {
            if (event instanceof StreamEvent.TextDelta) {
                threw.countDown();
                throw new IllegalStateException("client went away");
            }
        });
        threw.await();
        while (a.cancels.get() == 0) {
            Thread.onSpinWait();
        }
        assertEquals(1, a.cancels.get());
    }

    @Test
    void cancelDoesNotWaitForABusyHandler() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Partial(List.of("x"), never));
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch releaseHandler = new CountDownLatch(1);
        StreamHandle handle = gw.stream(Support.context(), Support.request("r"), event -> {
            if (event instanceof StreamEvent.TextDelta) {
                inHandler.countDown();
                try {
                    releaseHandler.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        inHandler.await();
        Thread canceller = new Thread(handle::cancel);
        canceller.start();
        canceller.join(10_000);
        boolean cancelReturned = !canceller.isAlive();
        releaseHandler.countDown();
        assertTrue(cancelReturned, "cancel waited for the handler");
        assertEquals(1, a.cancels.get());
    }

    @Test
    void cancellingAProbeFreesItsSlot() throws Exception {
        gw.configure(Support.breakerOpeningAtOnce(20));
        a.then(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        stream(Support.context(), "r");
        assertEquals(TargetHealth.BreakerState.OPEN, health("a/m-a").state());
        ticker.advanceSeconds(10);
        CountDownLatch never = new CountDownLatch(1);
        a.then(new ScriptedChatModel.Block(never, ScriptedChatModel.answer("x")));
        StreamHandle probe = gw.stream(Support.context(), Support.request("r"), new Support.Recorder());
        while (a.blocked.get() == 0) {
            Thread.onSpinWait();
        }
        assertEquals(TargetHealth.BreakerState.HALF_OPEN, health("a/m-a").state());
        probe.cancel();
        Support.Recorder rec = stream(Support.context(), "r");
        assertEquals("hello from a", rec.text(), "the slot was freed: a is probed again");
        assertEquals(TargetHealth.BreakerState.CLOSED, health("a/m-a").state());
    }
}
