package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The lifecycle scaffolding of one provider instance's chat model, the same for every HTTP provider: the open/closed
 * state, the streams in flight, a timer thread for streams (idle timeouts, retry delays) and a worker pool for
 * batches, blocking calls with retries, and {@link #close()}, which ends the streams in flight with an
 * {@code UNAVAILABLE} error event and refuses further calls. The wire format (requests, answers, stream events) stays
 * in the provider. Thread-safe.
 *
 * <p>Messages: a call after close fails with {@code UNAVAILABLE} "provider &lt;id&gt; is stopped"; a stream cut by
 * close ends with {@code UNAVAILABLE} "provider &lt;id&gt; stopped"; a batch on a closed instance fails every item
 * with "provider &lt;id&gt; is stopped".
 */
public final class ProviderRuntime implements AutoCloseable {

    private final String providerId;
    private final RetryPolicy retryPolicy;
    private final Delayer delayer;
    private final int maxConcurrency;
    private final Secret secret;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final StreamingCall.Context streamContext;
    private final Set<StreamingCall> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param threadPrefix   the daemon threads' name prefix (then {@code -timer} and {@code -batch}), e.g.
     *                       {@code caracal-openai-<id>}
     * @param owner          names the provider in stream log lines, e.g. {@code OpenAI provider <id>}
     * @param providerId     the configured instance id, for error messages
     * @param http           the HTTP client for streams ({@link HttpCalls#newClient}, not the exchange client)
     * @param retryPolicy    retries of blocking calls and of streams before their first event
     * @param delayer        waits between retries ({@link Delayer#REAL} but in tests)
     * @param idleTimeout    the longest silence a stream may keep between two lines
     * @param secret         the API key, masked in every message
     * @param maxConcurrency the configured bound of a batch
     */
    public ProviderRuntime(String threadPrefix, String owner, String providerId, HttpClient http,
                           RetryPolicy retryPolicy, Delayer delayer, Duration idleTimeout, Secret secret,
                           int maxConcurrency) {
        this.providerId = Objects.requireNonNull(providerId, "providerId");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.delayer = Objects.requireNonNull(delayer, "delayer");
        this.secret = secret == null ? Secret.NONE : secret;
        this.maxConcurrency = maxConcurrency;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(HttpCalls.daemonThreads(threadPrefix + "-timer"));
        this.workers = Executors.newCachedThreadPool(HttpCalls.daemonThreads(threadPrefix + "-batch"));
        this.streamContext = new StreamingCall.Context(http, retryPolicy, delayer, scheduler, idleTimeout,
                this.secret, owner, this::isClosed, streams::remove);
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
     * Runs {@code attempt} until it succeeds, fails for good, the retries are used up or the instance closes; each
     * retry is logged at debug on {@code log} as "{@code <what>} on {@code <id>} failed (kind: message); retry n of
     * max in d ms".
     */
    public <T> T withRetries(String what, Supplier<T> attempt, Logger log) {
        return retryPolicy.call(attempt, delayer, this::isClosed, (retry, failure, delay) ->
                log.debug("{} on {} failed ({}: {}); retry {} of {} in {} ms", what, providerId, failure.kind(),
                        failure.getMessage(), retry, retryPolicy.maxRetries(), delay.toMillis()));
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
    public StreamHandle stream(StreamHandler handler, StreamHandler deliverTo,
                               Supplier<? extends StreamingCall.Protocol> protocol) {
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
     * A batch on the worker pool: at most {@link Batches#effectiveConcurrency} of {@code requested} and the
     * configured bound in flight, one stage per item (see {@link Batches#run}).
     */
    public <I, O> List<CompletionStage<O>> batch(List<I> items, int requested, Function<? super I, ? extends O> work) {
        return Batches.run(items, Batches.effectiveConcurrency(requested, maxConcurrency), workers, work, secret,
                "provider " + providerId);
    }

    private LlmException stopped() {
        return new LlmException(ErrorKind.UNAVAILABLE, "provider " + providerId + " stopped");
    }

    /** Ends the streams in flight with {@code UNAVAILABLE}, stops the threads and refuses further calls; idempotent. */
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
        workers.shutdown();
        scheduler.shutdownNow();
    }
}
