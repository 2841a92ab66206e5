package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.EventStreamWriter;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed answer: receives the gateway's events and writes them as server-sent events in the format its
 * {@link StreamEncoder} speaks (Chat Completions chunks then {@code [DONE]}, legacy Completions chunks, Responses
 * events).
 * <ul>
 * <li>Nothing is written until there is content (or the stream ends, or a keep-alive is due): a failure before that
 * is answered with its HTTP status and OpenAI's error envelope; after it, with the encoder's failure event
 * ({@code {"error":...}} and no {@code [DONE]} for chunks, {@code response.failed} for Responses).</li>
 * <li>What is sent for one of the gateway's events goes out in one write, flushed at once ({@link SseBuffer}).</li>
 * <li>A write that fails means the client went away: the gateway's stream is cancelled.</li>
 * <li>It runs either on an async request ({@link #finish()} completes the {@link AsyncContext}) or on a request
 * thread that {@link #await()}s the end (when a filter in the chain does not support async).</li>
 * </ul>
 */
final class StreamSession implements StreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);

    private final HttpServletResponse resp;
    private final String requestId;
    private final StreamEncoder encoder;
    private final Function<RuntimeException, OpenAiError> errors;
    private final Object lock = new Object();
    /** The call, whose filters' response headers go out before the first byte. */
    private final CallContext context;

    private final CountDownLatch done = new CountDownLatch(1);

    private AsyncContext async;
    /** What is sent for one event, then written out; the client's stream once the headers are committed. */
    private final SseBuffer buffer = new SseBuffer();

    private OutputStream out;
    private boolean finished;
    private boolean cancelWanted;
    private volatile StreamHandle handle;
    private volatile ScheduledFuture<?> keepAlive;

    StreamSession(
            HttpServletResponse resp,
            String requestId,
            CallContext context,
            StreamEncoder encoder,
            Function<RuntimeException, OpenAiError> errors) {
        this.resp = resp;
        this.requestId = requestId;
        this.context = context;
        this.encoder = encoder;
        this.errors = errors;
    }

    /** Runs on an async request: completes it at the end, and cancels the stream if the container reports an error. */
    void useAsync(AsyncContext context) {
        this.async = context;
        context.setTimeout(0);
        context.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                clientGone(false);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                clientGone(true);
            }

            @Override
            public void onError(AsyncEvent event) {
                clientGone(true);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not re-dispatched
            }
        });
    }

    void keepAlive(ScheduledFuture<?> future) {
        keepAlive = future;
        if (isFinished()) {
            future.cancel(false);
        }
    }

    /** The gateway's handle; cancelled at once if the client left before it was known. */
    void attach(StreamHandle h) {
        boolean cancel;
        synchronized (lock) {
            handle = h;
            cancel = cancelWanted;
        }
        if (cancel && h != null) {
            cancelQuietly(h);
        }
    }

    /** Blocks the request thread until the stream has ended (the non-async mode). */
    void await() throws InterruptedException {
        done.await();
    }

    boolean isFinished() {
        synchronized (lock) {
            return finished;
        }
    }

    @Override
    public void onEvent(StreamEvent event) {
        boolean gone = false;
        synchronized (lock) {
            if (finished) {
                return;
            }
            try {
                if (event instanceof StreamEvent.Error error) {
                    sendError(errors.apply(error.error()));
                    finish();
                    return;
                }
                try {
                    encoder.on(event, buffer);
                } catch (RuntimeException e) {
                    buffer.discard(); // nothing of an event the encoder failed on goes out
                    throw e;
                }
                if (!buffer.isEmpty() || event instanceof StreamEvent.End) {
                    commit();
                    buffer.writeTo(out);
                }
                if (event instanceof StreamEvent.End) {
                    finish();
                }
            } catch (IOException e) {
                gone = true;
            }
        }
        if (gone) {
            LOG.debug("client of {} went away while streaming", requestId);
            clientGone(true);
        }
    }

    /** The gateway failed to start the stream (it threw instead of sending an Error event). */
    void failed(RuntimeException e) {
        synchronized (lock) {
            if (finished) {
                return;
            }
            try {
                sendError(errors.apply(e));
            } catch (IOException io) {
                LOG.debug("client of {} went away before the error was sent", requestId);
            }
            finish();
        }
    }

    /** Sends an SSE comment so that proxies and the container keep the connection, and a gone client is noticed. */
    void ping() {
        boolean gone = false;
        synchronized (lock) {
            if (finished) {
                return;
            }
            try {
                commit();
                buffer.comment("keep-alive");
                buffer.writeTo(out);
            } catch (IOException e) {
                gone = true;
            }
        }
        if (gone) {
            clientGone(true);
        }
    }

    private void sendError(OpenAiError error) throws IOException {
        if (out == null) {
            Responses.filterHeaders(context, resp);
            Responses.writeError(resp, error);
            resp.flushBuffer();
        } else {
            Responses.logAnswer(resp, error, true);
            encoder.failed(error, buffer);
            buffer.writeTo(out);
        }
    }

    /**
     * Sets the stream's headers before its first write; they go out with it (every write flushes, and the end completes
     * the response), one write to the client fewer than flushing them alone, as the Anthropic ingress does.
     */
    private void commit() throws IOException {
        if (out == null) {
            Responses.filterHeaders(context, resp);
            EventStreamWriter.prepare(resp, EventStreamWriter.SSE);
            out = resp.getOutputStream();
        }
    }

    /** Ends the response; called with the lock held. */
    private void finish() {
        finished = true;
        buffer.close();
        ScheduledFuture<?> ka = keepAlive;
        if (ka != null) {
            ka.cancel(false);
        }
        if (async != null) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // already completed by the container (client gone)
            }
        }
        done.countDown();
    }

    /** The client left (or the container ended the request): stop the gateway's work and free the request. */
    private void clientGone(boolean complete) {
        StreamHandle h;
        synchronized (lock) {
            if (finished) {
                return;
            }
            cancelWanted = true;
            h = handle;
            if (complete) {
                finish();
            } else {
                finished = true;
                buffer.close();
                done.countDown();
                ScheduledFuture<?> ka = keepAlive;
                if (ka != null) {
                    ka.cancel(false);
                }
            }
        }
        if (h != null) {
            cancelQuietly(h);
        }
    }

    private void cancelQuietly(StreamHandle h) {
        try {
            h.cancel();
        } catch (RuntimeException e) {
            LOG.debug("cancelling the stream of {} failed", requestId, e);
        }
    }
}
