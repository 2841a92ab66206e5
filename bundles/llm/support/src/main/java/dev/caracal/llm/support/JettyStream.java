package dev.caracal.llm.support;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.client.api.Result;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One streamed exchange over {@link JettyExchanger}'s client. Jetty tells it the head, each chunk of the body and the
 * end on its own threads; every step that reaches the {@link Exchanger.LineReader} is queued and run one at a time on
 * the exchanger's stream workers, so a reader that blocks (writing to a slow client) holds up this stream only, never
 * Jetty's bounded pool or its selector. A chunk is acknowledged to Jetty only once its lines have been read, so Jetty
 * reads no further than the reader (back-pressure) and the chunk's buffer is read in place, not copied.
 *
 * <p>The request's timeout, if it has one, bounds the wait for the head (as the JDK client's does): past it the exchange
 * fails with {@link HttpTimeoutException}; the silence within the body is the reader's to time. A request that fails
 * before any answer because the upstream closed its pooled connection is sent again, up to
 * {@link JettyExchanger#RESENDS} times; nothing else is retried here (the {@link StreamingCall} decides).
 */
final class JettyStream extends Response.Listener.Adapter implements Exchanger.Reading {
    /** The longest line a stream may send (an SSE event carrying an image is a few megabytes). */
    static final int MAX_LINE_BYTES = 64 << 20;

    private final JettyExchanger exchanger;
    private final HttpRequest request;
    private final byte[] body;
    private final Exchanger.LineReader reader;
    private final Executor workers;
    private final ConcurrentLinkedQueue<Runnable> steps = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LineSplitter splitter;

    private final Scheduler scheduler;
    private volatile Request current;
    private volatile Scheduler.Task headTimeout;
    private volatile boolean cancelled;
    private volatile boolean headSeen;

    // only in steps (one at a time)
    private int resends = JettyExchanger.RESENDS;
    private boolean lines;
    private boolean over;
    private ByteArrayOutputStream whole;

    JettyStream(
            JettyExchanger exchanger,
            HttpRequest request,
            byte[] body,
            Exchanger.LineReader reader,
            Executor workers,
            Scheduler scheduler) {
        this.scheduler = scheduler;
        this.exchanger = exchanger;
        this.request = request;
        this.body = body;
        this.reader = reader;
        this.workers = workers;
        this.splitter = new LineSplitter(reader::line, MAX_LINE_BYTES);
    }

    JettyStream start() {
        request.timeout()
                .ifPresent(timeout -> headTimeout = scheduler.schedule(
                        () -> {
                            Request r = current;
                            if (!headSeen && r != null) {
                                r.abort(new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms"));
                            }
                        },
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS));
        send();
        return this;
    }

    private void send() {
        Request r = exchanger.newRequest(request, body);
        current = r;
        r.send(this);
        if (cancelled) {
            r.abort(new CancellationException("the stream was cancelled"));
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        stopHeadTimeout();
        Request r = current;
        if (r != null) {
            r.abort(new CancellationException("the stream was cancelled"));
        }
    }

    // ---- Jetty's side: each event becomes a step ----

    @Override
    public void onHeaders(Response response) {
        headSeen = true;
        stopHeadTimeout();
        HttpResponse.ResponseInfo head = info(response.getStatus(), JettyExchanger.headersOf(response));
        step(() -> {
            lines = reader.head(head);
            whole = lines ? null : new ByteArrayOutputStream();
        });
    }

    @Override
    public void onContent(Response response, ByteBuffer content, Callback callback) {
        step(() -> {
            if (over) {
                callback.failed(new CancellationException("the stream is over"));
                return;
            }
            try {
                if (lines) {
                    splitter.feed(content);
                } else {
                    readWhole(content);
                }
            } catch (RuntimeException e) {
                callback.failed(e);
                fail(e);
                return;
            }
            callback.succeeded();
        });
    }

    @Override
    public void onComplete(Result result) {
        step(() -> {
            if (over) {
                return;
            }
            if (result.isFailed()) {
                Throwable failure = result.getFailure();
                if (!headSeen && !cancelled && resends > 0 && JettyExchanger.staleConnection(current, failure)) {
                    resends--;
                    send();
                    return;
                }
                fail(failure);
                return;
            }
            over = true;
            if (lines) {
                splitter.finish();
                reader.end();
            } else {
                reader.whole(whole.toString(StandardCharsets.UTF_8));
            }
        });
    }

    private void stopHeadTimeout() {
        Scheduler.Task task = headTimeout;
        if (task != null) {
            task.cancel();
        }
    }

    private void readWhole(ByteBuffer content) {
        if (whole.size() + content.remaining() > JettyExchanger.MAX_ANSWER_BYTES) {
            throw new IllegalStateException("the answer is larger than " + JettyExchanger.MAX_ANSWER_BYTES + " bytes");
        }
        byte[] chunk = new byte[content.remaining()];
        content.get(chunk);
        whole.write(chunk, 0, chunk.length);
    }

    private void fail(Throwable failure) {
        over = true;
        stopHeadTimeout();
        Request r = current;
        if (r != null) {
            r.abort(failure); // frees the connection when the body is still arriving; no-op once the exchange is over
        }
        reader.failed(failure);
    }

    // ---- the steps: queued in order, run one at a time on the workers ----

    private void step(Runnable step) {
        steps.add(step);
        if (queued.getAndIncrement() == 0) {
            try {
                workers.execute(this::drain);
            } catch (RejectedExecutionException e) {
                drain(); // the exchanger is closing: tell the reader here
            }
        }
    }

    private void drain() {
        do {
            Runnable step = steps.poll();
            try {
                step.run();
            } catch (RuntimeException e) {
                if (!over) {
                    fail(e);
                }
            }
        } while (queued.decrementAndGet() != 0);
    }

    private static HttpResponse.ResponseInfo info(int status, HttpHeaders headers) {
        return new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }
}
