package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Request/response exchanges with an upstream, blocking ({@link #send}) or not ({@link #sendAsync}) over an
 * {@link Exchanger} (which streams use too, see {@link StreamingCall}), and the plumbing around the JDK's
 * {@link HttpClient}.
 */
public final class HttpCalls {

    /** Turns an error answer (a non-2xx status) into the provider's {@link LlmException}. */
    @FunctionalInterface
    public interface ErrorMapper {
        LlmException map(int status, HttpHeaders headers, String body);
    }

    private HttpCalls() {}

    /** How long past its timeout an exchange may still answer (the request's own timeout bounds the headers only). */
    static final Duration GRACE = Duration.ofSeconds(1);

    /**
     * Sends {@code request} and reads the whole answer as UTF-8. A 2xx body is returned; another status is thrown as
     * {@code errors} maps it; no answer within {@code timeout} (plus a second of grace; the request's own timeout
     * bounds the wait for the headers) is {@code TIMEOUT}; I/O failures are mapped by {@link HttpErrors#fromThrowable};
     * an interrupt cancels the exchange and is {@code UNAVAILABLE} with the interrupt flag set again. The blocking
     * form of {@link #sendAsync}: the same exchange, waited for on the calling thread.
     */
    public static String send(
            HttpClient http, HttpRequest request, Duration timeout, Secret secret, ErrorMapper errors) {
        return send(new JdkExchanger(http), request, timeout, secret, errors);
    }

    /** {@link #send(HttpClient, HttpRequest, Duration, Secret, ErrorMapper)} over {@code http}, whatever its transport. */
    public static String send(
            Exchanger http, HttpRequest request, Duration timeout, Secret secret, ErrorMapper errors) {
        CompletableFuture<String> call = http.exchange(request, secret, errors);
        try {
            return await(call, timeout.plus(GRACE).toMillis());
        } catch (TimeoutException e) {
            LlmException timedOut = timedOut(timeout, e);
            call.completeExceptionally(timedOut); // cancels the exchange
            throw timedOut;
        }
    }

    /**
     * Sends {@code request} without waiting for the answer: the returned future completes with a 2xx body read as
     * UTF-8, or fails as {@link #send} would throw (the error answer as {@code errors} maps it, I/O failures mapped by
     * {@link HttpErrors#fromThrowable}, {@code TIMEOUT} when no answer came within {@code timeout} plus a second of
     * grace, timed by {@code timer}). Cancelling the future, or its timing out, cancels the exchange. If {@code timer}
     * refuses the task (it is shut down) nothing is sent and the future fails with {@code UNAVAILABLE}.
     *
     * <p>Threads: the future completes on the thread that completes the exchange: one of the Jetty client's pool
     * threads ({@link JettyExchanger}), or the {@link CompletableFuture} default executor for the JDK client
     * ({@link JdkExchanger}); on {@code timer}'s thread when the call times out; on the calling thread if it fails
     * before anything is sent. Stages that depend on it run there unless added with an executor of their own: they
     * must not block or do long work (those threads serve every call of the provider, the timer too); mapping a small
     * body is fine.
     */
    public static CompletableFuture<String> sendAsync(
            HttpClient http,
            HttpRequest request,
            Duration timeout,
            Secret secret,
            ErrorMapper errors,
            ScheduledExecutorService timer) {
        return sendAsync(new JdkExchanger(http), request, timeout, secret, errors, timer);
    }

    /**
     * {@link #sendAsync(HttpClient, HttpRequest, Duration, Secret, ErrorMapper, ScheduledExecutorService)} over
     * {@code http}, whatever its transport.
     */
    public static CompletableFuture<String> sendAsync(
            Exchanger http,
            HttpRequest request,
            Duration timeout,
            Secret secret,
            ErrorMapper errors,
            ScheduledExecutorService timer) {
        CompletableFuture<Void> expired = new CompletableFuture<>();
        ScheduledFuture<?> clock;
        try {
            clock = timer.schedule(
                    () -> {
                        expired.complete(null);
                    },
                    timeout.plus(GRACE).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    new LlmException(ErrorKind.UNAVAILABLE, "the call was not sent: its timer is stopped", 0, null, e));
        }
        CompletableFuture<String> call = http.exchange(request, secret, errors);
        expired.thenRun(() -> call.completeExceptionally(timedOut(timeout, null)));
        call.whenComplete((body, failure) -> clock.cancel(false));
        return call;
    }

    /**
     * {@code fn} applied to {@code source}'s value, in a future whose cancellation cancels {@code source} too (a plain
     * {@link CompletableFuture#thenApply} stage's does not), so that a call built in steps on {@link #sendAsync} can
     * still cancel its exchange. A failure of {@code source} passes through unwrapped; what {@code fn} throws fails the
     * result as thrown. {@code fn} runs on the thread that completes {@code source}: it must not block.
     */
    public static <T, U> CompletableFuture<U> thenApply(
            CompletableFuture<T> source, Function<? super T, ? extends U> fn) {
        Objects.requireNonNull(fn, "fn");
        CompletableFuture<U> result = cancelling(source);
        source.whenComplete((value, failure) -> {
            if (failure != null) {
                result.completeExceptionally(HttpErrors.unwrap(failure));
                return;
            }
            try {
                result.complete(fn.apply(value));
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * {@code source} with its {@link LlmException} failure replaced by {@code fn}'s (other failures and values pass
     * through), in a future whose cancellation cancels {@code source} too, like {@link #thenApply}. {@code fn} runs on
     * the thread that completes {@code source}: it must not block.
     */
    public static <T> CompletableFuture<T> mapFailure(CompletableFuture<T> source, UnaryOperator<LlmException> fn) {
        Objects.requireNonNull(fn, "fn");
        CompletableFuture<T> result = cancelling(source);
        source.whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable cause = HttpErrors.unwrap(failure);
            try {
                result.completeExceptionally(cause instanceof LlmException e ? fn.apply(e) : cause);
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** A new future that, when cancelled, cancels {@code source}. */
    private static <U> CompletableFuture<U> cancelling(Future<?> source) {
        CompletableFuture<U> result = new CompletableFuture<>();
        result.whenComplete((value, failure) -> {
            if (result.isCancelled()) {
                source.cancel(true);
            }
        });
        return result;
    }

    private static LlmException timedOut(Duration timeout, Throwable cause) {
        return new LlmException(
                ErrorKind.TIMEOUT, "the upstream did not answer within " + timeout.toMillis() + " ms", 0, null, cause);
    }

    /**
     * Waits for {@code stage} on the calling thread: its value is returned, its {@link LlmException} (or other
     * unchecked failure) thrown as is; an interrupt cancels the stage and is {@code UNAVAILABLE} with the interrupt
     * flag set again. The blocking face of an asynchronous call, e.g. {@code complete} as the join of
     * {@code completeAsync}.
     */
    public static <T> T await(CompletionStage<T> stage) {
        try {
            return await(stage.toCompletableFuture(), -1);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an unbounded wait timed out", e);
        }
    }

    /** {@link #await(CompletionStage)} for at most {@code millis} (forever when negative). */
    private static <T> T await(CompletableFuture<T> future, long millis) throws TimeoutException {
        try {
            return millis < 0 ? future.get() : future.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = HttpErrors.unwrap(e);
            if (cause instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw HttpErrors.fromThrowable(cause, Secret.NONE);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new LlmException(ErrorKind.UNAVAILABLE, "interrupted while waiting for the upstream", 0, null, e);
        }
    }

    /**
     * An HTTP/1.1 client that never follows redirects (credentials must not travel to another host), whose dependent
     * tasks run on the JDK's worker pool: what the JDK transport's streams use, whose readers may block on a slow
     * downstream.
     */
    public static HttpClient newClient(Duration connectTimeout) {
        return builder(connectTimeout).build();
    }

    /**
     * The transport for {@link #send} and {@link #sendAsync}: Jetty's client ({@link JettyExchanger}, its threads named
     * {@code name}), or the JDK's ({@link JdkExchanger}) when the system property {@code caracal.upstream.client} is
     * {@code jdk} (for comparisons). It carries the provider's streams too. Close it with its provider.
     */
    public static Exchanger newExchanger(String name, Duration connectTimeout) {
        return "jdk".equals(System.getProperty("caracal.upstream.client"))
                ? new JdkExchanger(connectTimeout)
                : new JettyExchanger(name, connectTimeout);
    }

    /**
     * The JDK client as {@link JdkExchanger} uses it: the exchange's steps and the response body run on the client's
     * selector thread, not handed to a pool thread first (two hand-offs fewer per call than {@link #newClient}). Never
     * for streams: their handlers would stall the one thread that serves all of the client's connections.
     */
    public static HttpClient newExchangeClient(Duration connectTimeout) {
        return builder(connectTimeout).executor(Runnable::run).build();
    }

    private static HttpClient.Builder builder(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
    }

    /** Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ... */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Whether a response's {@code Content-Type} is {@code text/event-stream}. */
    public static boolean isEventStream(HttpHeaders headers) {
        return headers.firstValue("content-type")
                .map(t -> t.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream"))
                .orElse(false);
    }
}
