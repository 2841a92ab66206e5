package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.AsyncAnswer;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.openai.http.codec.ChatCompletionCall;
import dev.caracal.gateway.openai.http.codec.ChatCompletionParser;
import dev.caracal.gateway.openai.http.codec.ChatCompletionRenderer;
import dev.caracal.gateway.openai.http.codec.ChunkStream;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.StreamHandle;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.AsyncContext;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * {@code POST /v1/chat/completions}: parses the OpenAI request into a normalized one, calls
 * {@code Gateway.completeAsync} (or {@code complete}) or {@code Gateway.stream}, and answers a {@code chat.completion}
 * object or an SSE stream of {@code chat.completion.chunk}s. Both run async when every filter of the chain allows it
 * (no request thread is held while upstreams answer), else on the request thread; either way the answers are the
 * same, and a stream sends a keep-alive comment every {@value #KEEP_ALIVE_SECONDS} s of silence.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/v1/chat/completions",
            "osgi.http.whiteboard.servlet.name=caracal-openai-chat-completions",
            "osgi.http.whiteboard.servlet.asyncSupported:Boolean=true",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class ChatCompletionsServlet extends OpenAiServlet {
    private static final long serialVersionUID = 1L;
    static final long KEEP_ALIVE_SECONDS = 15;
    /**
     * The async timeout of a non-streamed call: none. The gateway's and the providers' timeouts bound the call; a
     * shorter limit here would cut answers the gateway is still allowed to wait for.
     */
    static final long ASYNC_TIMEOUT_MILLIS = 0;

    private transient volatile ScheduledExecutorService keepAlive;
    /** {@link #ASYNC_TIMEOUT_MILLIS}; tests shorten it. */
    volatile long asyncTimeoutMillis = ASYNC_TIMEOUT_MILLIS;

    @Override
    public void init() {
        keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "caracal-openai-keepalive");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void destroy() {
        ScheduledExecutorService s = keepAlive;
        keepAlive = null;
        if (s != null) {
            s.shutdownNow();
        }
    }

    @Override
    Set<String> methods() {
        return Set.of("POST");
    }

    @Override
    String newRequestId() {
        return CallContexts.completionId();
    }

    @Override
    void handle(HttpServletRequest req, HttpServletResponse resp, String requestId) throws IOException {
        ChatCompletionCall parsed = ChatCompletionParser.parse(readJson(req));
        Gateway gateway = gateway();
        CallContext context = CallContexts.of(req, requestId);
        // the client's headers ride with its extras, for providers to forward by their allow-list
        RequestExtras extras = parsed.request().extras();
        ChatCompletionCall call = new ChatCompletionCall(
                parsed.request().withExtras(extras.withHeaders(context.headers())), parsed.includeUsage());
        long created = System.currentTimeMillis() / 1000;
        try {
            if (!call.request().stream()) {
                complete(req, resp, requestId, gateway, context, call.request(), created);
                return;
            }
            stream(req, resp, requestId, call, gateway, context, created);
        } catch (RuntimeException e) {
            Responses.filterHeaders(context, resp); // a refusal by a filter still carries its headers
            throw e;
        }
    }

    /**
     * A non-streamed call: asynchronous when the container allows it, else on the request thread. Either way the
     * answer, or the failure, is written by the same code.
     */
    private void complete(
            HttpServletRequest req,
            HttpServletResponse resp,
            String requestId,
            Gateway gateway,
            CallContext context,
            ChatRequest request,
            long created)
            throws IOException {
        if (!req.isAsyncSupported()) {
            ChatResponse response = gateway.complete(context, request);
            Responses.filterHeaders(context, resp);
            writeCompletion(resp, requestId, created, request.model(), response);
            return;
        }
        AsyncAnswer.serve(
                req,
                gateway.completeAsync(context, request),
                asyncTimeoutMillis,
                ms -> new LlmException(
                        ErrorKind.TIMEOUT, "the gateway did not answer within the ingress's " + ms + " ms"),
                requestId,
                outcome -> respond(req, resp, requestId, () -> {
                    Responses.filterHeaders(context, resp);
                    writeCompletion(resp, requestId, created, request.model(), outcome.get());
                }));
    }

    private static void writeCompletion(
            HttpServletResponse resp, String requestId, long created, String model, ChatResponse response)
            throws IOException {
        Responses.writeJson(resp, 200, ChatCompletionRenderer.completion(requestId, created, model, response));
    }

    private void stream(
            HttpServletRequest req,
            HttpServletResponse resp,
            String requestId,
            ChatCompletionCall call,
            Gateway gateway,
            CallContext context,
            long created)
            throws IOException {
        ChunkStream chunks = new ChunkStream(requestId, created, call.request().model(), call.includeUsage());
        StreamSession session = new StreamSession(resp, requestId, context, chunks, e -> toError(e, req, requestId));
        boolean async = req.isAsyncSupported();
        if (async) {
            AsyncContext ac = req.startAsync();
            session.useAsync(ac);
        }
        ScheduledExecutorService s = keepAlive;
        if (s != null) {
            try {
                session.keepAlive(s.scheduleWithFixedDelay(
                        session::ping, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS));
            } catch (RuntimeException e) {
                // shutting down: no keep-alives
            }
        }
        StreamHandle handle;
        try {
            handle = gateway.stream(context, call.request(), session);
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
    }
}
