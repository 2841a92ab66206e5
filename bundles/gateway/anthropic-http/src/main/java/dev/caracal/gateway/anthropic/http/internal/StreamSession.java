package dev.caracal.gateway.anthropic.http.internal;

import dev.caracal.core.http.EventStreamWriter;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.anthropic.http.codec.AnthropicError;
import dev.caracal.gateway.anthropic.http.codec.AnthropicErrors;
import dev.caracal.gateway.anthropic.http.codec.MessageStreamEncoder;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed answer: receives the gateway's events, writes them as Anthropic SSE (what one event produces in one
 * write, flushed: {@link SseBuffer}), answers with an
 * HTTP error instead when the call fails before anything was written, and cancels the gateway's stream when the
 * client goes away. Works with an {@link AsyncContext} (the request thread is released) or without one (the
 * request thread waits in {@link #awaitEnd()}).
 */
final class StreamSession implements StreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);

    private final HttpServletResponse resp;
    private final AsyncContext async;
    private final MessageStreamEncoder encoder;
    private final String requestId;
    private final AtomicReference<StreamHandle> handle = new AtomicReference<>();
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CountDownLatch endLatch = new CountDownLatch(1);
    /** What the encoder writes for one event, and the response's stream once the first event goes out. */
    private final SseBuffer buffer = new SseBuffer();

    private OutputStream out;
    /** The call, whose filters' response headers go out before the first byte. */
    private final CallContext context;

    StreamSession(
            HttpServletResponse resp,
            AsyncContext async,
            MessageStreamEncoder encoder,
            String requestId,
            CallContext context) {
        this.resp = resp;
        this.context = context;
        this.async = async;
        this.encoder = encoder;
        this.requestId = requestId;
        if (async != null) {
            async.addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    // the normal end
                }

                @Override
                public void onTimeout(AsyncEvent event) {
                    cancel();
                    synchronized (StreamSession.this) {
                        fail(new AnthropicError(504, AnthropicError.TIMEOUT, "the stream took too long"));
                    }
                }

                @Override
                public void onError(AsyncEvent event) {
                    cancel(); // the client went away or the connection broke
                    end();
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                    // not re-dispatched
                }
            });
        }
    }

    @Override
    public synchronized void onEvent(StreamEvent event) {
        if (ended.get()) {
            return;
        }
        try {
            try {
                encoder.encode(event, buffer);
            } catch (RuntimeException e) {
                buffer.discard(); // nothing of an event the encoder failed on goes out
                throw e;
            }
            if (!encoder.started()) {
                if (event instanceof StreamEvent.Error e) {
                    fail(AnthropicErrors.from(e.error()));
                    return;
                }
                if (event instanceof StreamEvent.End e && e.stopReason() == StopReason.ERROR) {
                    fail(new AnthropicError(502, AnthropicError.API, "the upstream ended the answer with an error"));
                    return;
                }
            }
            write();
            if (encoder.finished()) {
                end();
            }
        } catch (IOException e) {
            LOG.debug("client of {} went away; cancelling its stream", requestId);
            cancel();
            end();
        } catch (RuntimeException e) {
            String incident = Long.toHexString(System.nanoTime());
            LOG.error("streaming {} failed unexpectedly (incident {})", requestId, incident, e);
            fail(new AnthropicError(
                    500, AnthropicError.API, "the server failed unexpectedly; see the log for incident " + incident));
        }
    }

    /** Ends the stream with a failure: an HTTP error when nothing was sent yet, else an {@code error} event. */
    synchronized void fail(AnthropicError error) {
        if (ended.get()) {
            return;
        }
        try {
            if (!encoder.started() && !resp.isCommitted()) {
                ErrorResponses.filterHeaders(context, resp);
                ErrorResponses.write(resp, error, requestId);
            } else if (!encoder.finished()) {
                ErrorResponses.log(requestId, error, true);
                encoder.error(error.type(), error.getMessage(), buffer);
                write();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not report the failure of {} to its client", requestId, e);
        }
        end();
    }

    /** Called when the gateway refused the call outright (it threw instead of streaming events). */
    void failed(LlmException e) {
        fail(AnthropicErrors.from(e));
    }

    /**
     * Writes what the encoder wrote for one event, in one write, flushed; the stream's headers go out before its first
     * byte.
     */
    private void write() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        if (out == null) {
            ErrorResponses.filterHeaders(context, resp);
            EventStreamWriter.prepare(resp, EventStreamWriter.SSE);
            out = resp.getOutputStream();
        }
        buffer.writeTo(out);
    }

    /** The gateway's handle; cancelled at once if the client already went away. */
    void attach(StreamHandle h) {
        if (h == null) {
            return;
        }
        handle.set(h);
        if (cancelRequested.get()) {
            cancelHandle();
        }
    }

    /** Stops the gateway's stream (idempotent). */
    void cancel() {
        cancelRequested.set(true);
        cancelHandle();
    }

    private void cancelHandle() {
        StreamHandle h = handle.get();
        if (h != null && cancelled.compareAndSet(false, true)) {
            try {
                h.cancel();
            } catch (RuntimeException e) {
                LOG.debug("cancelling the stream of {} failed", requestId, e);
            }
        }
    }

    boolean ended() {
        return ended.get();
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            synchronized (this) {
                buffer.close(); // its generator's buffer goes back to the pool
            }
            endLatch.countDown();
            if (async != null) {
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    LOG.debug("async context of {} already completed", requestId);
                }
            }
        }
    }

    /** Blocks until the stream ends (used when the container gives no async support); cancels when interrupted. */
    void awaitEnd() {
        try {
            endLatch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            end();
        }
    }
}
