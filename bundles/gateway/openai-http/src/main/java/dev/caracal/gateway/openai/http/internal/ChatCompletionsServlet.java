package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.openai.http.codec.ChatCompletionCall;
import dev.caracal.gateway.openai.http.codec.ChatCompletionParser;
import dev.caracal.gateway.openai.http.codec.ChatCompletionRenderer;
import dev.caracal.gateway.openai.http.codec.ChunkStream;
import dev.caracal.llm.ChatResponse;
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
 * {@code POST /v1/chat/completions}: parses the OpenAI request into a normalized one, calls {@code Gateway.complete}
 * or {@code Gateway.stream}, and answers a {@code chat.completion} object or an SSE stream of
 * {@code chat.completion.chunk}s. Streams run async when every filter of the chain allows it, else on the request
 * thread; either way a keep-alive comment goes out every {@value #KEEP_ALIVE_SECONDS} s of silence.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/v1/chat/completions",
        "osgi.http.whiteboard.servlet.name=caracal-openai-chat-completions",
        "osgi.http.whiteboard.servlet.asyncSupported:Boolean=true",
        "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT})
public class ChatCompletionsServlet extends OpenAiServlet {
    private static final long serialVersionUID = 1L;
    static final long KEEP_ALIVE_SECONDS = 15;

    private transient volatile ScheduledExecutorService keepAlive;

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
        ChatCompletionCall call = ChatCompletionParser.parse(readJson(req));
        Gateway gateway = gateway();
        CallContext context = CallContexts.of(req, requestId);
        long created = System.currentTimeMillis() / 1000;
        String model = call.request().model();
        if (!call.request().stream()) {
            ChatResponse response = gateway.complete(context, call.request());
            Responses.writeJson(resp, 200, ChatCompletionRenderer.completion(requestId, created, model, response));
            return;
        }
        stream(req, resp, requestId, call, gateway, context, created);
    }

    private void stream(HttpServletRequest req, HttpServletResponse resp, String requestId, ChatCompletionCall call,
                        Gateway gateway, CallContext context, long created) throws IOException {
        ChunkStream chunks = new ChunkStream(requestId, created, call.request().model(), call.includeUsage());
        StreamSession session = new StreamSession(resp, requestId, chunks, e -> toError(e, req, requestId));
        boolean async = req.isAsyncSupported();
        if (async) {
            AsyncContext ac = req.startAsync();
            session.useAsync(ac);
        }
        ScheduledExecutorService s = keepAlive;
        if (s != null) {
            try {
                session.keepAlive(s.scheduleWithFixedDelay(session::ping, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS,
                        TimeUnit.SECONDS));
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
