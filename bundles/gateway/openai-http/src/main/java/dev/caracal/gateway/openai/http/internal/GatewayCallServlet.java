package dev.caracal.gateway.openai.http.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import java.io.IOException;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Base of the {@code /v1} servlets that make a chat call through the gateway ({@code POST} only): each owns the
 * {@link GatewayCalls} that makes its calls, from {@link #init()} to {@link #destroy()}, so that chat, Responses and
 * legacy Completions requests are blocking, async and streamed by the same code. The two endpoints of Chat
 * Completions' shape (one JSON object, or chunks then {@code [DONE]}) answer through {@link #answerChunked}.
 */
abstract class GatewayCallServlet extends OpenAiServlet {
    private static final long serialVersionUID = 1L;

    /** The JSON answer of a non-streamed call of Chat Completions' shape, as the UTF-8 bytes to send. */
    @FunctionalInterface
    interface Completion {
        byte[] render(String id, long created, String model, ChatResponse response) throws IOException;
    }

    /** The chunks a streamed call of Chat Completions' shape sends for each of the gateway's events. */
    @FunctionalInterface
    interface Chunks {
        StreamEncoder.Chunks start(String id, long created, String model, boolean includeUsage);
    }

    private final String keepAliveThread;
    /** Made in {@link #init()}; package-private for tests, which shorten its async timeout. */
    transient volatile GatewayCalls calls;

    /** @param keepAliveThread the name of the thread that sends the streams' keep-alive comments */
    GatewayCallServlet(String keepAliveThread) {
        this.keepAliveThread = keepAliveThread;
    }

    @Override
    public void init() {
        calls = new GatewayCalls(keepAliveThread);
    }

    @Override
    public void destroy() {
        GatewayCalls c = calls;
        if (c != null) {
            c.close();
        }
    }

    @Override
    final Set<String> methods() {
        return Set.of("POST");
    }

    /**
     * Makes the parsed call, with the client's headers in its extras (for providers to forward by their allow-list),
     * and answers it as {@code completion} renders it, or streamed as the {@code chunks} it starts, then
     * {@code [DONE]}.
     */
    void answerChunked(
            HttpServletRequest req,
            HttpServletResponse resp,
            String requestId,
            ChatRequest parsed,
            boolean includeUsage,
            Completion completion,
            Chunks chunks)
            throws IOException {
        Gateway gateway = gateway();
        CallContext context = CallContexts.of(req, requestId);
        ChatRequest request = parsed.withExtras(parsed.extras().withHeaders(context.headers()));
        long created = System.currentTimeMillis() / 1000;
        if (!request.stream()) {
            calls.complete(
                    req,
                    resp,
                    requestId,
                    gateway,
                    context,
                    request,
                    answer -> Responses.writeJson(
                            resp, 200, completion.render(requestId, created, request.model(), answer)));
            return;
        }
        calls.stream(
                req,
                resp,
                requestId,
                gateway,
                context,
                request,
                StreamEncoder.chunks(chunks.start(requestId, created, request.model(), includeUsage)));
    }
}
