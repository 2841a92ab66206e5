package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed request across its attempts, with everything about it that does not depend on the wire format: the
 * body is read line by line as it arrives, by the provider's {@link Exchanger} (no thread waits on a stream), events reach the
 * {@link StreamHandler} in order and one at a time, a failure before the first delivered event is retried under the
 * {@link RetryPolicy} (waiting with the {@link Delayer}), and the stream ends with exactly one {@code End} or
 * {@code Error} event. Once an event has been delivered nothing is retried. After {@link #cancel()} no event follows
 * and the connection is closed. An idle timeout bounds the silence between two lines.
 *
 * <p>The provider supplies a {@link Protocol}: the request of an attempt, how an error answer maps, and a fresh
 * {@link Decoder} per attempt that turns lines (for SSE, through an {@link SseParser}) into events on the attempt's
 * {@link Sink}. A decoder that wants a failure to stay retryable until real content arrives simply holds back its
 * first events (for example a {@code Start}) until then.
 */
public final class StreamingCall implements StreamHandle {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingCall.class);

    /** The provider's side of a streamed request. */
    public interface Protocol {

        /** The request of one attempt (called once per attempt). */
        HttpRequest request();

        /** Whether a 2xx answer is a stream to read line by line; otherwise it is read whole. */
        default boolean isStream(HttpResponse.ResponseInfo info) {
            return HttpCalls.isEventStream(info.headers());
        }

        /** The failure an error answer (non-2xx) means. */
        LlmException errorAnswer(int status, HttpHeaders headers, String body);

        /** A decoder for a new attempt, writing to {@code sink}. */
        Decoder decoder(Sink sink);
    }

    /** Reads one attempt's answer; called from one thread at a time. */
    public interface Decoder {

        /** One line of a streamed body, without its terminator. */
        void line(String line);

        /**
         * The streamed body ended. A decoder that has seen the protocol's end calls {@link Sink#finish}; if the attempt
         * is still open afterwards, it fails with {@code CONNECTION} (the stream was cut).
         */
        void end();

        /** A 2xx answer that is not a stream (a server that ignored the stream flag, or garbage). */
        void wholeBody(String body);
    }

    /** What a decoder does with the attempt. Calls after the attempt ended are ignored. Implemented here only. */
    @ProviderType
    public interface Sink {

        /** Delivers an event (never {@code End} or {@code Error}: use {@link #finish} and {@link #fail}). */
        void emit(StreamEvent event);

        /** Ends the stream with {@code End(reason)} ({@code END_TURN} when {@code null}). */
        void finish(StopReason reason);

        /** Ends the attempt with a failure: retried if nothing was delivered and the policy allows, else the end. */
        void fail(LlmException error);

        /** Whether the attempt has ended (finished, failed or stopped). */
        boolean isDone();
    }

    /**
     * The provider instance's resources a stream uses. {@code transport} sends the attempts (the provider's
     * {@link Exchanger}, the one its other calls use); {@code idleTimeout} bounds the silence between two lines;
     * {@code closed} says the provider is stopping (no more retries); {@code ended} is told once the stream is over,
     * however it ended; {@code owner} names the provider in log lines.
     */
    public record Context(
            Exchanger transport,
            RetryPolicy retryPolicy,
            Delayer delayer,
            ScheduledExecutorService scheduler,
            Duration idleTimeout,
            Secret secret,
            String owner,
            BooleanSupplier closed,
            Consumer<StreamingCall> ended) {
        public Context {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(delayer, "delayer");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            secret = secret == null ? Secret.NONE : secret;
            closed = closed == null ? () -> false : closed;
            ended = ended == null ? c -> {} : ended;
        }
    }

    private final Context context;
    private final Protocol protocol;
    private final StreamHandler handler;
    private final Object lock = new Object();
    private final AtomicBoolean finished = new AtomicBoolean();

    // guarded by lock
    private boolean delivered;
    private int retry;
    private Attempt current;
    private Future<?> pendingRetry;

    public StreamingCall(Context context, Protocol protocol, StreamHandler handler) {
        this.context = Objects.requireNonNull(context, "context");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** A stream that cannot even be sent: its only event is the error. */
    public static StreamHandle failImmediately(StreamHandler handler, LlmException e) {
        try {
            handler.onEvent(new StreamEvent.Error(e));
        } catch (RuntimeException thrown) {
            LOG.warn("A stream handler threw on the error event", thrown);
        }
        return () -> {};
    }

    /** Sends the first attempt. */
    public StreamingCall begin() {
        startAttempt();
        return this;
    }

    @Override
    public void cancel() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        synchronized (lock) {
            stopCurrent();
        }
        context.ended().accept(this);
    }

    /** Ends the stream with {@code error} unless it already ended (the provider is going away). */
    public void abort(LlmException error) {
        terminate(new StreamEvent.Error(error));
    }

    /** Whether the stream has ended (by its last event or a cancel). */
    public boolean isFinished() {
        return finished.get();
    }

    private void stopCurrent() {
        if (current != null) {
            current.stop();
        }
        if (pendingRetry != null) {
            pendingRetry.cancel(false);
        }
    }

    private void startAttempt() {
        Attempt attempt;
        synchronized (lock) {
            if (finished.get()) {
                return;
            }
            attempt = new Attempt();
            current = attempt;
        }
        attempt.send();
    }

    /** An attempt failed: retry while nothing was delivered and the policy allows, else end the stream. */
    private void attemptFailed(Attempt attempt, LlmException error) {
        Duration delay;
        synchronized (lock) {
            if (finished.get() || attempt != current) {
                return;
            }
            delay = delivered || context.closed().getAsBoolean()
                    ? null
                    : context.retryPolicy().nextDelay(retry, error).orElse(null);
            if (delay != null) {
                retry++;
                LOG.debug(
                        "stream on {} failed before its first event ({}: {}); retry {} in {} ms",
                        context.owner(),
                        error.kind(),
                        error.getMessage(),
                        retry,
                        delay.toMillis());
                CompletableFuture<Void> wait = context.delayer().after(delay);
                pendingRetry = wait;
                wait.thenRun(this::startAttempt);
                return;
            }
        }
        terminate(new StreamEvent.Error(error));
    }

    private void deliver(Attempt attempt, StreamEvent event) {
        synchronized (lock) {
            if (finished.get() || attempt != current) {
                return;
            }
            delivered = true;
            try {
                handler.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("The stream handler of {} threw; the stream is cancelled", context.owner(), e);
                finished.set(true);
                stopCurrent();
                context.ended().accept(this);
            }
        }
    }

    private void terminate(StreamEvent event) {
        synchronized (lock) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            stopCurrent();
            try {
                handler.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("The stream handler of {} threw on the final event", context.owner(), e);
            }
        }
        context.ended().accept(this);
    }

    /** One HTTP exchange of the stream. */
    private final class Attempt implements Exchanger.LineReader, Sink {
        private final AtomicBoolean done = new AtomicBoolean();
        private final Decoder decoder = protocol.decoder(this);
        private volatile Exchanger.Reading reading;
        private volatile boolean streaming;
        private volatile int status;
        private volatile HttpHeaders headers;
        private volatile long lastActivity = System.nanoTime();
        private volatile Future<?> watchdog;

        void send() {
            try {
                reading = context.transport().stream(protocol.request(), this);
                if (done.get()) {
                    reading.cancel(); // stopped while it was being sent
                }
            } catch (RuntimeException e) {
                fail(e instanceof LlmException l ? l : HttpErrors.fromThrowable(e, context.secret()));
            }
        }

        void stop() {
            done.set(true);
            cancelReading();
            stopWatchdog();
        }

        private void cancelReading() {
            Exchanger.Reading r = reading;
            if (r != null) {
                r.cancel();
            }
        }

        private void stopWatchdog() {
            Future<?> w = watchdog;
            if (w != null) {
                w.cancel(false);
            }
        }

        // ---- Sink ----

        @Override
        public void emit(StreamEvent event) {
            if (event instanceof StreamEvent.End || event instanceof StreamEvent.Error) {
                throw new IllegalArgumentException("end a stream with finish or fail");
            }
            if (!done.get()) {
                deliver(this, event);
            }
        }

        @Override
        public void finish(StopReason reason) {
            if (done.compareAndSet(false, true)) {
                stopWatchdog();
                synchronized (lock) {
                    if (attemptIsCurrent()) {
                        terminate(new StreamEvent.End(reason == null ? StopReason.END_TURN : reason));
                    }
                }
            }
        }

        private boolean attemptIsCurrent() {
            return current == this;
        }

        @Override
        public void fail(LlmException e) {
            if (done.compareAndSet(false, true)) {
                stopWatchdog();
                if (streaming) {
                    cancelReading(); // frees the connection when the body is still arriving (a malformed chunk)
                }
                attemptFailed(this, e);
            }
        }

        @Override
        public boolean isDone() {
            return done.get();
        }

        // ---- Exchanger.LineReader: the answer ----

        @Override
        public boolean head(HttpResponse.ResponseInfo head) {
            status = head.statusCode();
            headers = head.headers();
            streaming = status / 100 == 2 && protocol.isStream(head);
            if (streaming && !done.get()) {
                startWatchdog();
            }
            return streaming;
        }

        private void startWatchdog() {
            long timeoutNanos = context.idleTimeout().toNanos();
            long period = Math.max(50, Math.min(1000, context.idleTimeout().toMillis() / 4));
            try {
                watchdog = context.scheduler()
                        .scheduleWithFixedDelay(
                                () -> {
                                    if (System.nanoTime() - lastActivity > timeoutNanos) {
                                        fail(new LlmException(
                                                ErrorKind.TIMEOUT,
                                                "the upstream sent nothing for "
                                                        + context.idleTimeout().toMillis()
                                                        + " ms in the middle of a stream"));
                                    }
                                },
                                period,
                                period,
                                TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the provider is closing; the stream is being aborted
            }
        }

        @Override
        public void whole(String body) {
            if (done.get()) {
                return;
            }
            if (status / 100 != 2) {
                fail(protocol.errorAnswer(status, headers, body));
                return;
            }
            try {
                decoder.wholeBody(body);
            } catch (LlmException e) {
                fail(e);
            }
            if (!done.get()) {
                fail(HttpErrors.malformed("answer", body, null));
            }
        }

        @Override
        public void line(String line) {
            if (done.get()) {
                return;
            }
            lastActivity = System.nanoTime();
            try {
                decoder.line(line);
            } catch (LlmException e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new LlmException(
                        ErrorKind.UPSTREAM,
                        "reading the stream failed: "
                                + context.secret().redact(e.getClass().getSimpleName() + ": " + e.getMessage()),
                        200,
                        null,
                        e));
            }
        }

        @Override
        public void failed(Throwable failure) {
            fail(HttpErrors.fromThrowable(failure, context.secret()));
        }

        @Override
        public void end() {
            if (done.get()) {
                return;
            }
            try {
                decoder.end();
            } catch (LlmException e) {
                fail(e);
            }
            if (!done.get()) {
                fail(new LlmException(ErrorKind.CONNECTION, "the upstream closed the stream before it was complete"));
            }
        }
    }
}
