package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.AsyncAnswer;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamHandle;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * A servlet's chat calls through the gateway, for {@code /v1/chat/completions}, {@code /v1/responses} and
 * {@code /v1/completions} alike: a non-streamed call asynchronous when every filter of the chain allows it (no request
 * thread held while upstreams answer), else on the request thread, the answer or the failure written by the same code
 * either way; a streamed call through a {@link StreamSession} that writes what its {@link StreamEncoder} says, with a
 * keep-alive comment every {@value #KEEP_ALIVE_SECONDS} s of silence. The headers the call's filters set
 * ({@link CallContext#responseHeaders}) go out with the answer, the refusal or before the stream's first event. One
 * per servlet ({@link GatewayCallServlet}): it owns the keep-alive timer ({@link #close()}).
 */
final class GatewayCalls implements AutoCloseable {
    static final long KEEP_ALIVE_SECONDS = ChatCompletionsServlet.KEEP_ALIVE_SECONDS;

    /** Writes the answer of a non-streamed call; may throw any failure {@link OpenAiServlet} maps. */
    @FunctionalInterface
    interface Writer {
        void write(ChatResponse response) throws IOException;
    }

    private final ScheduledExecutorService keepAlive;
    /** The async timeout of a non-streamed call ({@link ChatCompletionsServlet#ASYNC_TIMEOUT_MILLIS}); tests shorten it. */
    volatile long asyncTimeoutMillis = ChatCompletionsServlet.ASYNC_TIMEOUT_MILLIS;

    GatewayCalls(String threadName) {
        keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A non-streamed call: asynchronous when the container allows it, else on the request thread. Either way the
     * filters' response headers, then {@code writer}'s answer (or the failure's) are written by the same code.
     */
    void complete(
            HttpServletRequest req,
            HttpServletResponse resp,
            String requestId,
            Gateway gateway,
            CallContext context,
            ChatRequest request,
            Writer writer)
            throws IOException {
        try {
            if (!req.isAsyncSupported()) {
                ChatResponse response = gateway.complete(context, request);
                Responses.filterHeaders(context, resp);
                writer.write(response);
                return;
            }
            AsyncAnswer.serve(
                    req,
                    gateway.completeAsync(context, request),
                    asyncTimeoutMillis,
                    ms -> new LlmException(
                            ErrorKind.TIMEOUT, "the gateway did not answer within the ingress's " + ms + " ms"),
                    requestId,
                    outcome -> OpenAiServlet.respond(req, resp, requestId, () -> {
                        Responses.filterHeaders(context, resp);
                        writer.write(outcome.get());
                    }));
        } catch (RuntimeException e) {
            Responses.filterHeaders(context, resp); // a refusal by a filter still carries its headers
            throw e;
        }
    }

    /** A streamed call, written by {@code encoder}; failures before the first event are HTTP errors. */
    void stream(
            HttpServletRequest req,
            HttpServletResponse resp,
            String requestId,
            Gateway gateway,
            CallContext context,
            ChatRequest request,
            StreamEncoder encoder) {
        try {
            StreamSession session =
                    new StreamSession(resp, requestId, context, encoder, e -> OpenAiServlet.toError(e, req, requestId));
            boolean async = req.isAsyncSupported();
            if (async) {
                AsyncContext ac = req.startAsync();
                session.useAsync(ac);
            }
            try {
                session.keepAlive(keepAlive.scheduleWithFixedDelay(
                        session::ping, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS));
            } catch (RuntimeException e) {
                // shutting down: no keep-alives
            }
            StreamHandle handle;
            try {
                handle = gateway.stream(context, request, session);
            } catch (RuntimeException e) {
                session.failed(e);
                return;
            }
            session.attach(handle);
            if (!async) {
                try {
                    session.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (handle != null) {
                        handle.cancel();
                    }
                }
            }
        } catch (RuntimeException e) {
            Responses.filterHeaders(context, resp); // as for complete: a refusal carries the filters' headers
            throw e;
        }
    }

    @Override
    public void close() {
        keepAlive.shutdownNow();
    }
}
