package dev.caracal.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletContext;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncAnswer}'s hand-over between the thread that completes the gateway's stage, the container and the
 * request: who writes, on which thread, and that the request is completed exactly once whatever happens first.
 */
class AsyncAnswerTest {
    /** What the ingresses answer on an async timeout (they give their gateway's TIMEOUT exception). */
    static final class TimedOut extends RuntimeException {
        final long millis;

        TimedOut(long millis) {
            super("no answer within " + millis + " ms");
            this.millis = millis;
        }
    }

    static final LongFunction<RuntimeException> TIMEOUT = TimedOut::new;

    /** A container's async context that records what the answer does with it; {@code start} only queues. */
    static final class FakeAsync implements AsyncContext {
        final List<Runnable> started = new ArrayList<>();
        final AtomicInteger completions = new AtomicInteger();
        final List<AsyncListener> listeners = new ArrayList<>();
        volatile RuntimeException startFailure;
        long timeout = -1;

        @Override
        public synchronized void start(Runnable run) {
            if (startFailure != null) {
                throw startFailure;
            }
            started.add(run);
        }

        synchronized List<Runnable> started() {
            return List.copyOf(started);
        }

        @Override
        public void complete() {
            completions.incrementAndGet();
        }

        @Override
        public void addListener(AsyncListener listener) {
            listeners.add(listener);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest req, ServletResponse resp) {
            listeners.add(listener);
        }

        @Override
        public void setTimeout(long ms) {
            timeout = ms;
        }

        @Override
        public long getTimeout() {
            return timeout;
        }

        void fireError() throws IOException {
            for (AsyncListener l : listeners) {
                l.onError(new AsyncEvent(this, new IOException("connection reset")));
            }
        }

        void fireTimeout() throws IOException {
            for (AsyncListener l : listeners) {
                l.onTimeout(new AsyncEvent(this));
            }
        }

        void fireComplete() throws IOException {
            for (AsyncListener l : listeners) {
                l.onComplete(new AsyncEvent(this));
            }
        }

        @Override
        public ServletRequest getRequest() {
            return null; // read by AsyncEvent, unused by the answer
        }

        @Override
        public ServletResponse getResponse() {
            return null;
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return true;
        }

        @Override
        public void dispatch() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dispatch(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> clazz) {
            throw new UnsupportedOperationException();
        }
    }

    /** A request whose {@code startAsync} hands out {@code async} (and counts), or fails when it is null. */
    static HttpServletRequest request(FakeAsync async, AtomicInteger starts) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                AsyncAnswerTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("startAsync") && method.getParameterCount() == 0) {
                        if (async == null) {
                            throw new AssertionError("startAsync was not expected");
                        }
                        starts.incrementAndGet();
                        return async;
                    }
                    if (method.getName().equals("isAsyncSupported")) {
                        return true;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Records every answer written: the value (or the failure thrown by the outcome) and the writing thread. */
    static final class Recorder implements AsyncAnswer.Writer<String> {
        final List<Object> outcomes = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        final CountDownLatch written = new CountDownLatch(1);
        volatile IOException writeFailure;

        @Override
        public synchronized void write(Supplier<String> outcome) throws IOException {
            threads.add(Thread.currentThread());
            try {
                outcomes.add(outcome.get());
            } catch (RuntimeException e) {
                outcomes.add(e);
            }
            written.countDown();
            if (writeFailure != null) {
                throw writeFailure;
            }
        }

        synchronized List<Object> outcomes() {
            return List.copyOf(outcomes);
        }
    }

    static void completeOnAnotherThread(CompletableFuture<String> stage, String value) throws InterruptedException {
        Thread t = new Thread(() -> stage.complete(value), "fake-selector");
        t.start();
        t.join();
    }

    // each test's container side, writer and pending answer (JUnit makes a new instance per test)
    final FakeAsync async = new FakeAsync();
    final AtomicInteger starts = new AtomicInteger();
    final Recorder w = new Recorder();
    final CompletableFuture<String> stage = new CompletableFuture<>();

    /** Serves {@link #stage} to a request that goes async with {@link #async}, {@link #w} writing the answer. */
    void serveLater(long asyncTimeoutMillis, String requestId) throws Exception {
        AsyncAnswer.serve(request(async, starts), stage, asyncTimeoutMillis, TIMEOUT, requestId, w);
    }

    @Test
    void aStageAlreadyCompleteIsAnsweredOnTheRequestThreadWithoutGoingAsync() throws Exception {
        AsyncAnswer.serve(
                request(null, new AtomicInteger()), CompletableFuture.completedFuture("cached"), 0, TIMEOUT, "r1", w);
        assertEquals(List.of("cached"), w.outcomes());
        assertEquals(List.of(Thread.currentThread()), w.threads);
    }

    @Test
    void failuresAreThrownUnwrappedAsTheBlockingCallThrowsThem() throws Exception {
        IllegalStateException limited = new IllegalStateException("slow down");
        AsyncAnswer.serve(
                request(null, new AtomicInteger()),
                CompletableFuture.failedFuture(new CompletionException(limited)),
                0,
                TIMEOUT,
                "r2",
                w);
        assertSame(limited, w.outcomes().get(0));

        Recorder checked = new Recorder();
        AsyncAnswer.serve(
                request(null, new AtomicInteger()),
                CompletableFuture.failedFuture(new IOException("not a runtime exception")),
                0,
                TIMEOUT,
                "r3",
                checked);
        IllegalStateException wrapped =
                assertInstanceOf(IllegalStateException.class, checked.outcomes().get(0));
        assertInstanceOf(IOException.class, wrapped.getCause());
    }

    @Test
    void aLaterAnswerIsWrittenOnAContainerThreadNeverOnTheCompletingOne() throws Exception {
        serveLater(0, "r4");
        assertEquals(1, starts.get());
        assertEquals(0, async.timeout, "no async timeout: the gateway bounds the call");
        assertEquals(1, async.listeners.size());
        assertTrue(w.outcomes().isEmpty());

        completeOnAnotherThread(stage, "late");
        assertTrue(w.outcomes().isEmpty(), "nothing was written on the completing thread");
        assertEquals(0, async.completions.get(), "nor was the request completed there");
        assertEquals(1, async.started().size(), "the answer was handed to the container");

        async.started().get(0).run();
        assertEquals(List.of("late"), w.outcomes());
        assertEquals(List.of(Thread.currentThread()), w.threads);
        assertEquals(1, async.completions.get());
        async.fireComplete(); // the container reports the end it was asked for
        assertEquals(1, async.completions.get());
        assertEquals(1, w.outcomes().size());
    }

    @Test
    void theClientLeavingFirstCompletesOnceAndDropsTheAnswer() throws Exception {
        serveLater(0, "r5");

        async.fireError();
        assertEquals(1, async.completions.get());
        async.fireError();
        async.fireComplete();
        completeOnAnotherThread(stage, "too late");
        assertTrue(async.started().isEmpty(), "the late answer was not handed on");
        assertTrue(w.outcomes().isEmpty(), "nor written");
        assertEquals(1, async.completions.get());
    }

    @Test
    void aRequestTheContainerCompletedFirstIsLeftAlone() throws Exception {
        serveLater(0, "r6");

        async.fireComplete();
        completeOnAnotherThread(stage, "too late");
        assertTrue(async.started().isEmpty());
        assertTrue(w.outcomes().isEmpty());
        assertEquals(0, async.completions.get(), "a completed request is not completed again");
    }

    @Test
    void aTimeoutIsAnsweredAsATimeoutAndTheLateAnswerDropped() throws Exception {
        serveLater(250, "r7");
        assertEquals(250, async.timeout);

        async.fireTimeout();
        TimedOut timeout = assertInstanceOf(TimedOut.class, w.outcomes().get(0));
        assertEquals(250, timeout.millis);
        assertEquals(1, async.completions.get());

        completeOnAnotherThread(stage, "too late");
        assertTrue(async.started().isEmpty());
        assertEquals(1, w.outcomes().size());
        assertEquals(1, async.completions.get());
    }

    @Test
    void aFailedWriteStillCompletesTheRequestAndThrowsNothing() throws Exception {
        w.writeFailure = new IOException("broken pipe");
        serveLater(0, "r8");
        completeOnAnotherThread(stage, "answer");
        async.started().get(0).run();
        assertEquals(List.of("answer"), w.outcomes());
        assertEquals(1, async.completions.get());
    }

    @Test
    void aContainerRefusingWorkStillGetsTheRequestAnsweredOffTheCompletingThread() throws Exception {
        async.startFailure = new RejectedExecutionException("pool stopping");
        serveLater(0, "r9");
        Thread selector = new Thread(() -> stage.complete("answer"), "fake-selector");
        selector.start();
        selector.join();
        assertTrue(w.written.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("answer"), w.outcomes());
        assertNotSame(selector, w.threads.get(0));
        for (int i = 0; i < 3000 && async.completions.get() == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, async.completions.get());
    }

    @Test
    void anAnswerArrivingAsTheRequestGoesAsyncIsWrittenOnce() throws Exception {
        // the stage completes inside startAsync, after the request thread found it pending
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    if (method.getName().equals("startAsync")) {
                        stage.complete("raced");
                        return async;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        AsyncAnswer.serve(req, stage, 0, TIMEOUT, "r10", w);
        assertEquals(List.of("raced"), w.outcomes());
        assertEquals(List.of(Thread.currentThread()), w.threads, "written by the request thread itself");
        assertTrue(async.started().isEmpty());
        assertEquals(1, async.completions.get());
    }
}
