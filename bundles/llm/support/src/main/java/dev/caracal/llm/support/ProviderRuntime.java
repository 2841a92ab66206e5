package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The lifecycle scaffolding of one provider instance's chat model, the same for every HTTP provider: the open/closed
 * state, the streams in flight, a timer thread (stream idle timeouts and retry delays, the waits between the attempts
 * of calls with retries, the timeouts of asynchronous exchanges) and a worker pool for batches, calls with retries
 * (blocking, {@link #withRetries}, or not, {@link #withRetriesAsync}), and {@link #close()}, which ends the streams in
 * flight with an {@code UNAVAILABLE} error event, stops the retries waiting for their next attempt and refuses further
 * calls. The wire format (requests, answers, stream events) stays in the provider. Thread-safe.
 *
 * <p>Messages: a call after close fails with {@code UNAVAILABLE} "provider &lt;id&gt; is stopped"; a stream cut by
 * close ends with {@code UNAVAILABLE} "provider &lt;id&gt; stopped"; a batch on a closed instance fails every item
 * with "provider &lt;id&gt; is stopped"; a call waiting to retry when the instance closes fails with its last failure.
 */
public final class ProviderRuntime implements AutoCloseable {

    private final String providerId;
    private final RetryPolicy retryPolicy;
    private final Delayer delayer;
    private final int maxConcurrency;
    private final Secret secret;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService workers;
    private final StreamingCall.Context streamContext;
    private final Set<StreamingCall> streams = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<Void>> pauses = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param threadPrefix   the daemon threads' name prefix (then {@code -timer} and {@code -batch}), e.g.
     *                       {@code caracal-openai-<id>}
     * @param owner          names the provider in stream log lines, e.g. {@code OpenAI provider <id>}
     * @param providerId     the configured instance id, for error messages
     * @param http           the transport of streams: the provider's {@link Exchanger} ({@link HttpCalls#newExchanger}),
     *                       which its owner closes after this runtime
     * @param retryPolicy    retries of calls and of streams before their first event
     * @param delayer        waits between retries: {@link Delayer#REAL} (calls then wait on this instance's timer
     *                       thread, streams on the common delayed executor) but in tests; a call's retry asks any
     *                       other delayer for the wait, then goes on on the timer thread
     * @param idleTimeout    the longest silence a stream may keep between two lines
     * @param secret         the API key, masked in every message
     * @param maxConcurrency the configured bound of a batch
     */
    public ProviderRuntime(
            String threadPrefix,
            String owner,
            String providerId,
            Exchanger http,
            RetryPolicy retryPolicy,
            Delayer delayer,
            Duration idleTimeout,
            Secret secret,
            int maxConcurrency) {
        this.providerId = Objects.requireNonNull(providerId, "providerId");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.delayer = Objects.requireNonNull(delayer, "delayer");
        this.secret = secret == null ? Secret.NONE : secret;
        this.maxConcurrency = maxConcurrency;
        this.scheduler = new ScheduledThreadPoolExecutor(1, HttpCalls.daemonThreads(threadPrefix + "-timer"));
        // every asynchronous exchange schedules its timeout and almost always cancels it: do not keep the dead tasks
        this.scheduler.setRemoveOnCancelPolicy(true);
        // A timer that becomes the head of the queue wakes the timer thread, which then waits again until its deadline:
        // with few calls in flight, every call's timeout (removed when the call ends) found the queue empty, so each
        // call cost this thread a wake-up and the caller a futex call (0.5 context switches a call of the gateway's
        // 8.3, docs/benchmarks.md). A call's timer is at least HttpCalls.GRACE (a second) away; this tick, always due
        // within a second, stays at the head, so a call's timer joins the queue without waking anyone. The thread
        // wakes once a second instead. shutdown() cancels it (periodic tasks do not outlive a shutdown).
        this.scheduler.scheduleAtFixedRate(() -> {}, 1, 1, TimeUnit.SECONDS);
        this.workers = Executors.newCachedThreadPool(HttpCalls.daemonThreads(threadPrefix + "-batch"));
        this.streamContext = new StreamingCall.Context(
                http,
                retryPolicy,
                delayer,
                scheduler,
                idleTimeout,
                this.secret,
                owner,
                this::isClosed,
                streams::remove);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** @throws LlmException {@code UNAVAILABLE} once closed */
    public void ensureOpen() {
        if (closed) {
            throw new LlmException(ErrorKind.UNAVAILABLE, "provider " + providerId + " is stopped");
        }
    }

    /** The retry policy given at construction. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for good, the retries are used up or the instance closes (a wait
     * for the next attempt then ends at once, and the last failure is thrown); each retry is logged at debug on
     * {@code log} as "{@code <what>} on {@code <id>} failed (kind: message); retry n of max in d ms". The calling
     * thread runs every attempt and waits in between.
     */
    public <T> T withRetries(String what, Supplier<T> attempt, Logger log) {
        return retryPolicy.call(attempt, this::pause, this::isClosed, retryLog(what, log));
    }

    /**
     * {@link #withRetries} without a thread that waits: the same policy, log lines and outcomes, as a future. The
     * first attempt is started on the calling thread, later ones on this instance's timer thread once the delay has
     * passed (scheduled, not slept); closing the instance ends a wait at once and fails the future with the last
     * failure. {@code attempt} must not block: it sends and returns.
     *
     * <p>Threads: the future completes on the thread that completes the attempt's stage (for an exchange with
     * {@link #sendAsync}, see {@link HttpCalls#sendAsync}: the JDK's completion thread, or the timer thread on a
     * timeout), on the timer thread when a retry is abandoned after its wait, or on the thread calling
     * {@link #close()}. Stages that depend on it run there unless added with an executor of their own: they must not
     * block or do long work. Cancelling it cancels the attempt in flight or the wait.
     */
    public <T> CompletableFuture<T> withRetriesAsync(
            String what, Supplier<? extends CompletionStage<T>> attempt, Logger log) {
        // attempts after a wait always start on the timer thread, never inline on the thread that ended the wait
        return retryPolicy.callAsync(attempt, this::pause, this::isClosed, retryLog(what, log), scheduler);
    }

    private RetryPolicy.Listener retryLog(String what, Logger log) {
        return (retry, failure, delay) -> log.debug(
                "{} on {} failed ({}: {}); retry {} of {} in {} ms",
                what,
                providerId,
                failure.kind(),
                failure.getMessage(),
                retry,
                retryPolicy.maxRetries(),
                delay.toMillis());
    }

    /**
     * Starts an asynchronous call on this instance: {@link #ensureOpen()} then {@code call}; what either throws (a
     * closed instance, an invalid request) fails the returned future instead, already completed, so that the future
     * fails wherever the blocking form would throw.
     */
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> call) {
        try {
            ensureOpen();
            return Objects.requireNonNull(call.get(), "the call returned no stage")
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link HttpCalls#sendAsync} timed by this instance's timer thread, with its secret: the body of a 2xx answer, or
     * the failure {@link HttpCalls#send} would throw. See there for the threads that complete it.
     */
    public CompletableFuture<String> sendAsync(
            HttpClient client, HttpRequest request, Duration timeout, HttpCalls.ErrorMapper errors) {
        return HttpCalls.sendAsync(client, request, timeout, secret, errors, scheduler);
    }

    /** {@link #sendAsync(HttpClient, HttpRequest, Duration, HttpCalls.ErrorMapper)} over any transport. */
    public CompletableFuture<String> sendAsync(
            Exchanger client, HttpRequest request, Duration timeout, HttpCalls.ErrorMapper errors) {
        return HttpCalls.sendAsync(client, request, timeout, secret, errors, scheduler);
    }

    /**
     * The wait before a retry: completes on the timer thread once {@code delay} has passed ({@link Delayer#REAL}) or
     * once the configured delayer's wait is over; cancelled when the instance closes (or is already closed).
     */
    private CompletableFuture<Void> pause(Duration delay) {
        CompletableFuture<Void> pause = new CompletableFuture<>();
        pauses.add(pause);
        pause.whenComplete((ignored, failure) -> pauses.remove(pause));
        try {
            if (delayer == Delayer.REAL) {
                ScheduledFuture<?> timer = scheduler.schedule(
                        () -> {
                            pause.complete(null);
                        },
                        Math.max(0, delay.toNanos()),
                        TimeUnit.NANOSECONDS);
                pause.whenComplete((ignored, failure) -> timer.cancel(false));
            } else {
                delayer.after(delay).whenComplete((ignored, failure) -> {
                    try {
                        scheduler.execute(() -> {
                            if (failure == null) {
                                pause.complete(null);
                            } else {
                                pause.completeExceptionally(failure);
                            }
                        });
                    } catch (RejectedExecutionException closing) {
                        pause.cancel(false);
                    }
                });
            }
        } catch (RejectedExecutionException closing) {
            pause.cancel(false);
        }
        if (closed) { // closed while this pause was being set up: close() may not have seen it
            pause.cancel(false);
        }
        return pause;
    }

    /** {@link #stream(StreamHandler, StreamHandler, Supplier)} delivering to the one {@code handler}. */
    public StreamHandle stream(StreamHandler handler, Supplier<? extends StreamingCall.Protocol> protocol) {
        return stream(handler, handler, protocol);
    }

    /**
     * Starts a stream: {@code protocol} is built (it may throw an {@link LlmException}, e.g. an invalid request,
     * which is then the stream's only event, given to {@code handler}), the call is tracked until it ends and its
     * first attempt is sent; the events go to {@code deliverTo}. On a closed instance the stream ends at once with
     * {@code UNAVAILABLE}.
     */
    public StreamHandle stream(
            StreamHandler handler, StreamHandler deliverTo, Supplier<? extends StreamingCall.Protocol> protocol) {
        Objects.requireNonNull(handler, "handler");
        StreamingCall call;
        try {
            ensureOpen();
            call = new StreamingCall(streamContext, protocol.get(), deliverTo);
        } catch (LlmException e) {
            return StreamingCall.failImmediately(handler, e);
        }
        streams.add(call);
        if (closed) { // closed while this stream was being set up
            call.abort(stopped());
            return call;
        }
        return call.begin();
    }

    /**
     * A batch of asynchronous calls: at most {@link Batches#effectiveConcurrency} of {@code requested} and the
     * configured bound in flight, one stage per item, and no thread held while they are (see
     * {@link Batches#runAsync}). {@code work} must not block. Items not yet started when the instance closes fail with
     * {@code UNAVAILABLE} "provider &lt;id&gt; is stopped".
     */
    public <I, O> List<CompletionStage<O>> batchAsync(
            List<I> items, int requested, Function<? super I, ? extends CompletionStage<? extends O>> work) {
        Objects.requireNonNull(work, "work");
        return Batches.runAsync(
                items,
                Batches.effectiveConcurrency(requested, maxConcurrency),
                item -> {
                    ensureOpen();
                    return work.apply(item);
                },
                secret);
    }

    /**
     * A batch of blocking calls on the worker pool, for work that cannot be asynchronous: at most
     * {@link Batches#effectiveConcurrency} of {@code requested} and the configured bound in flight, each on a worker
     * thread that waits for it, one stage per item (see {@link Batches#run}).
     */
    public <I, O> List<CompletionStage<O>> batch(List<I> items, int requested, Function<? super I, ? extends O> work) {
        return Batches.run(
                items,
                Batches.effectiveConcurrency(requested, maxConcurrency),
                workers,
                work,
                secret,
                "provider " + providerId);
    }

    private LlmException stopped() {
        return new LlmException(ErrorKind.UNAVAILABLE, "provider " + providerId + " stopped");
    }

    /**
     * Ends the streams in flight with {@code UNAVAILABLE}, ends the waits of calls between two attempts (they fail
     * with their last failure, on this thread), stops the threads and refuses further calls; idempotent. Exchanges in
     * flight are left to finish, as a blocking call in flight does; their timeouts stay armed (the timer thread ends
     * once the last of them is over).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LlmException gone = stopped();
        for (StreamingCall call : List.copyOf(streams)) {
            call.abort(gone);
        }
        streams.clear();
        for (CompletableFuture<Void> pause : List.copyOf(pauses)) {
            pause.cancel(false);
        }
        workers.shutdown();
        // stops the stream watchdogs (periodic) at once; the timeouts of exchanges still in flight stay armed
        scheduler.shutdown();
    }
}
