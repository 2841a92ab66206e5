package dev.caracal.core.http;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one non-streamed call without holding a request thread while the gateway waits for its upstreams.
 * <ul>
 * <li>A stage that is already complete when the gateway returns it (a cache hit, a refusal, a gateway that served
 * the call on the calling thread) is answered at once on the request thread, as the blocking path answers.</li>
 * <li>Otherwise the request goes async and the request thread returns. When the stage completes, possibly on a
 * provider's HTTP selector thread that serves every upstream connection, the answer is handed to a container thread
 * ({@link AsyncContext#start}), written there, and the request completed there. Neither the write (a slow client
 * would stall every upstream connection) nor {@link AsyncContext#complete()} (Jetty finishes the response on the
 * thread that calls it) runs on the thread that completed the stage.</li>
 * <li>Exactly one party answers and completes the request: the stage's outcome, or the container reporting that the
 * request ended first: {@code onError} (the client went away), {@code onTimeout} (answered as a timeout),
 * {@code onComplete}. An outcome that arrives after that is dropped quietly. The stage is not cancelled: the gateway
 * and its filters still account for the call.</li>
 * </ul>
 */
public final class AsyncAnswer<T> implements AsyncListener {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncAnswer.class);

    /**
     * Writes the answer of a call. {@code outcome.get()} returns the call's value, or throws its failure as the
     * blocking call would have thrown it (unwrapped from {@link CompletionException}).
     */
    @FunctionalInterface
    public interface Writer<T> {
        void write(Supplier<T> outcome) throws IOException;
    }

    private enum Phase {
        /** The request thread is still in the servlet; no outcome yet. */
        SERVING,
        /** The outcome arrived while the request thread was still in the servlet: that thread writes it. */
        ARRIVED,
        /** Async started and the request thread returned: the outcome's arrival has the answer written. */
        WAITING,
        /** Answered, or the request ended without an answer. */
        DONE
    }

    private final String requestId;
    private final long timeoutMillis;
    private final LongFunction<RuntimeException> timeoutFailure;
    private final Writer<T> writer;
    private Phase phase = Phase.SERVING; // guarded by this
    private Supplier<T> early; // guarded by this: the outcome that arrived in SERVING
    private AsyncContext async; // guarded by this: set on entering WAITING

    private AsyncAnswer(
            String requestId, long timeoutMillis, LongFunction<RuntimeException> timeoutFailure, Writer<T> writer) {
        this.timeoutFailure = timeoutFailure;
        this.requestId = requestId;
        this.timeoutMillis = timeoutMillis;
        this.writer = writer;
    }

    /**
     * Has {@code writer} answer the request with the outcome of {@code stage}. Called on the request thread, which
     * returns once the request is async (or once the answer is written, when the stage was already complete).
     *
     * @param timeoutMillis the async timeout, 0 for none (the gateway's and the providers' timeouts bound the call);
     *                      when it expires, the call is answered as if it had failed
     *                      with {@code timeoutFailure.apply(timeoutMillis)} (the ingresses give their gateway timeout)
     * @throws IOException when writing an answer on the request thread fails, as on the blocking path
     */
    public static <T> void serve(
            HttpServletRequest req,
            CompletionStage<T> stage,
            long timeoutMillis,
            LongFunction<RuntimeException> timeoutFailure,
            String requestId,
            Writer<T> writer)
            throws IOException {
        AsyncAnswer<T> answer = new AsyncAnswer<>(requestId, timeoutMillis, timeoutFailure, writer);
        stage.whenComplete(answer::arrived);
        answer.detach(req);
    }

    /** On the request thread: answers an outcome that is already there, else goes async and returns. */
    private void detach(HttpServletRequest req) throws IOException {
        Supplier<T> outcome;
        synchronized (this) {
            outcome = take();
        }
        if (outcome != null) {
            writer.write(outcome);
            return;
        }
        AsyncContext ac = req.startAsync();
        ac.setTimeout(timeoutMillis);
        ac.addListener(this);
        synchronized (this) {
            if (phase == Phase.SERVING) {
                async = ac;
                phase = Phase.WAITING;
                return;
            }
            outcome = take(); // it arrived while the request went async; null if the request already ended
        }
        if (outcome != null) {
            finish(ac, outcome);
        }
    }

    /** The outcome that arrived in SERVING, now claimed by the caller (DONE); null when there is none. */
    private Supplier<T> take() {
        if (phase != Phase.ARRIVED) {
            return null;
        }
        phase = Phase.DONE;
        Supplier<T> outcome = early;
        early = null;
        return outcome;
    }

    /** The stage completed, on whatever thread completed it: only hands the answer on, never writes here. */
    private void arrived(T value, Throwable failure) {
        Supplier<T> outcome = outcome(value, failure);
        AsyncContext ac;
        synchronized (this) {
            if (phase == Phase.SERVING) {
                early = outcome;
                phase = Phase.ARRIVED;
                return;
            }
            if (phase != Phase.WAITING) {
                LOG.debug("the answer of {} arrived after its request ended; dropped", requestId);
                return;
            }
            phase = Phase.DONE;
            ac = async;
        }
        try {
            ac.start(() -> finish(ac, outcome));
        } catch (RejectedExecutionException e) {
            // the container's pool refuses work (stopping, or a bounded queue is full): the request must still end,
            // and not by writing on this thread
            LOG.warn("the container refused to write the answer of {}; writing it from the common pool", requestId);
            ForkJoinPool.commonPool().execute(() -> finish(ac, outcome));
        } catch (IllegalStateException e) {
            LOG.debug("the request {} ended before its answer could be written", requestId);
        }
    }

    /** Writes the answer and completes the request; on a container thread (or the request thread). */
    private void finish(AsyncContext ac, Supplier<T> outcome) {
        try {
            writer.write(outcome);
        } catch (IOException e) {
            LOG.debug("the client of {} went away before its answer was written", requestId);
        } catch (RuntimeException e) {
            LOG.warn("writing the answer of {} failed", requestId, e);
        } finally {
            complete(ac);
        }
    }

    private void complete(AsyncContext ac) {
        try {
            ac.complete();
        } catch (IllegalStateException e) {
            LOG.debug("the request {} was already completed", requestId);
        }
    }

    /** Whether the caller ends the request now (nobody answered it yet). */
    private synchronized boolean end() {
        if (phase == Phase.DONE) {
            return false;
        }
        phase = Phase.DONE;
        early = null;
        return true;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (end()) {
            LOG.debug("the request {} completed before its answer", requestId);
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        if (end()) {
            LOG.debug(
                    "the client of {} went away before its answer: {}",
                    requestId,
                    String.valueOf(event.getThrowable()));
            complete(event.getAsyncContext());
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        if (end()) {
            RuntimeException timeout = timeoutFailure.apply(timeoutMillis);
            finish(event.getAsyncContext(), () -> {
                throw timeout;
            });
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // never restarted
    }

    /** The outcome as the blocking call would give it: the value, or the failure unwrapped and thrown. */
    private static <T> Supplier<T> outcome(T value, Throwable failure) {
        if (failure == null) {
            return () -> value;
        }
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        RuntimeException thrown = cause instanceof RuntimeException re
                ? re
                : new IllegalStateException("the call failed: " + cause, cause);
        return () -> {
            throw thrown;
        };
    }
}
