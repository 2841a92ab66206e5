package dev.caracal.llm.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.client.api.Result;
import org.eclipse.jetty.client.util.BufferingResponseListener;
import org.eclipse.jetty.client.util.BytesContentProvider;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Jetty's HTTP client (the container's own: Pax Web's Jetty feature installs it) as an {@link Exchanger}, the default
 * transport of request/response calls and of streams ({@link JettyStream}). Against the JDK client, on one core at 2,000 exchanges/s
 * ({@code benchmarks/scripts/upstream-clients.sh}): about a third less CPU and a third of the allocation per exchange,
 * and no hand-off to the common pool: the answer is read and the returned future completed on one of this client's
 * pool threads (named after the provider), where dependent stages run; they must not block for long.
 *
 * <p>An upstream may close an idle keep-alive connection at any moment; a request written on it just then fails before
 * any answer (end of stream, reset). Such a request is sent again at once, on another connection, up to
 * {@value #RESENDS} times, as the JDK client does; any other failure is the call's. A request on a new connection that
 * ends so is the call's failure too: it is the upstream's doing, for the provider's retry policy to judge with its
 * back-off (sending it again at once would multiply the load on an upstream that is failing).
 */
final class JettyExchanger implements Exchanger {
    /** The largest answer read (an embeddings batch of 2,048 x 3,072 floats as JSON is about 130 MB). */
    static final int MAX_ANSWER_BYTES = 512 << 20;

    /**
     * How many times a request the upstream closed its pooled connection under is sent again (the next pooled
     * connection may be closing too: an upstream that closes its idle connections closes many at once). A request on a
     * new connection is never sent again here.
     */
    static final int RESENDS = 3;

    /** How long a pooled connection may stay idle before this client closes it. */
    static final long IDLE_MILLIS = 30_000;

    private final HttpClient client;
    private final String name;
    /**
     * Where streams' readers run: one task at a time per stream, off Jetty's threads, so that a reader writing to a slow
     * client holds up its own stream only (Jetty's pool is bounded and also runs the selector).
     */
    private final ExecutorService streamWorkers;

    JettyExchanger(String name, Duration connectTimeout) {
        this(name, connectTimeout, IDLE_MILLIS);
    }

    /** With another idle timeout for pooled connections (tests). */
    JettyExchanger(String name, Duration connectTimeout, long idleMillis) {
        this.name = name;
        this.streamWorkers = Executors.newCachedThreadPool(HttpCalls.daemonThreads(name + "-stream"));
        QueuedThreadPool pool = new QueuedThreadPool(64, 1, 60_000);
        pool.setName(name);
        pool.setDaemon(true);
        client = new HttpClient(new ReuseMarkingTransport(), null);
        client.setExecutor(pool);
        client.setScheduler(new ScheduledExecutorScheduler(name + "-scheduler", true));
        client.setFollowRedirects(false); // credentials must not travel to another host
        client.setConnectTimeout(connectTimeout.toMillis());
        // as the JDK client: no real cap on connections per upstream (the provider's maxConcurrency is the cap), no
        // idle
        // timeout on a connection (a long non-streamed answer may be silent for minutes; the callers time the call)
        // (the queue holds calls waiting for a connection to open; Jetty allocates it at its full size)
        client.setMaxConnectionsPerDestination(1 << 16);
        client.setMaxRequestsQueuedPerDestination(4096);
        client.setIdleTimeout(0);
        client.setUserAgentField(null); // the providers send their own
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client " + name + ": " + e.getMessage(), e);
        }
        // start() adds these, so after it: no Accept-Encoding of our own (the wire as the provider made it), and no
        // protocol handlers (a 401 or 407 is the provider's to map, not a challenge to answer; no redirects followed)
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
    }

    @Override
    public CompletableFuture<String> exchange(HttpRequest request, Secret secret, HttpCalls.ErrorMapper errors) {
        CompletableFuture<String> call = new CompletableFuture<>();
        byte[] body;
        try {
            body = bodyOf(request);
        } catch (RuntimeException e) {
            call.completeExceptionally(e);
            return call;
        }
        send(request, body, secret, errors, call, RESENDS);
        return call;
    }

    private void send(
            HttpRequest request,
            byte[] body,
            Secret secret,
            HttpCalls.ErrorMapper errors,
            CompletableFuture<String> call,
            int resends) {
        Request r;
        try {
            r = newRequest(request, body);
        } catch (RuntimeException e) {
            call.completeExceptionally(e);
            return;
        }
        call.whenComplete((value, failure) -> {
            if (failure != null) {
                r.abort(failure); // a timeout or a cancel: no-op once the exchange is over
            }
        });
        r.send(new BufferingResponseListener(MAX_ANSWER_BYTES) {
            @Override
            public void onComplete(Result result) {
                if (call.isDone()) {
                    return;
                }
                try {
                    if (result.isFailed()) {
                        Throwable failure = result.getFailure();
                        if (resends > 0 && result.getResponse().getStatus() == 0 && staleConnection(r, failure)) {
                            send(request, body, secret, errors, call, resends - 1);
                        } else {
                            call.completeExceptionally(HttpErrors.fromThrowable(failure, secret));
                        }
                        return;
                    }
                    int status = result.getResponse().getStatus();
                    String text = getContentAsString(StandardCharsets.UTF_8);
                    if (status / 100 != 2) {
                        call.completeExceptionally(errors.map(status, headersOf(result.getResponse()), text));
                    } else {
                        call.complete(text);
                    }
                } catch (RuntimeException e) { // the error mapper failed: still end the call
                    call.completeExceptionally(HttpErrors.fromThrowable(e, secret));
                }
            }
        });
    }

    @Override
    public Reading stream(HttpRequest request, LineReader reader) {
        return new JettyStream(this, request, bodyOf(request), reader, streamWorkers, client.getScheduler()).start();
    }

    /**
     * A Jetty request as {@code request} describes it, with {@code body} (null for none): no idle timeout (the callers
     * time their calls), no header of Jetty's own but Host and the body's length.
     */
    Request newRequest(HttpRequest request, byte[] body) {
        Request r = client.newRequest(request.uri()).method(request.method()).idleTimeout(0, TimeUnit.MILLISECONDS);
        for (Map.Entry<String, List<String>> header : request.headers().map().entrySet()) {
            for (String value : header.getValue()) {
                r.header(header.getKey(), value);
            }
        }
        if (body != null) {
            r.content(new BytesContentProvider(body));
        }
        return r;
    }

    /**
     * Whether {@code r}, which failed with {@code failure} before any answer, met a keep-alive connection the upstream
     * had closed: it went out on a reused connection, and the connection ended under it.
     */
    static boolean staleConnection(Request r, Throwable failure) {
        return ReuseMarkingTransport.reused(r) && closedUnderUs(failure);
    }

    /** Whether a failure before any answer is the connection closed by the upstream. */
    static boolean closedUnderUs(Throwable failure) {
        if (failure instanceof EOFException || failure instanceof ClosedChannelException) {
            return true;
        }
        String message = failure instanceof IOException ? failure.getMessage() : null;
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("connection reset") || m.contains("broken pipe");
    }

    /** The answer's headers, for the error mapper (retry-after, request ids) and stream readers. */
    static HttpHeaders headersOf(Response response) {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HttpField field : response.getHeaders()) {
            map.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
        }
        return HttpHeaders.of(map, (n, v) -> true);
    }

    /**
     * The bytes of a request's in-memory body, null for none. The JDK's string and byte-array publishers hand their
     * bytes over on the subscribing thread; a publisher that does not (a file, a stream) is refused.
     */
    static byte[] bodyOf(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return null;
        }
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream((int) Math.max(32, publisher.get().contentLength()));
        Throwable[] failed = new Throwable[1];
        boolean[] done = new boolean[1];
        publisher.get().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }

            @Override
            public void onError(Throwable throwable) {
                failed[0] = throwable;
                done[0] = true;
            }

            @Override
            public void onComplete() {
                done[0] = true;
            }
        });
        if (failed[0] != null) {
            throw new IllegalArgumentException("the request's body could not be read: " + failed[0], failed[0]);
        }
        if (!done[0]) {
            throw new IllegalArgumentException("the request's body is not in memory (a string or byte-array body is)");
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        try {
            client.stop(); // fails the calls in flight; a stream's reader is told on its worker, or inline once shut
            // down
            streamWorkers.shutdown();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the HTTP client " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "jetty";
    }
}
