package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.gateway.openai.http.codec.ChatCompletionCall;
import dev.caracal.gateway.openai.http.codec.ChatCompletionParser;
import dev.caracal.gateway.openai.http.codec.ChunkStream;
import dev.caracal.gateway.openai.http.codec.CompletionWriter;
import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * {@code POST /v1/chat/completions}: parses the OpenAI request into a normalized one, calls
 * {@code Gateway.completeAsync} (or {@code complete}) or {@code Gateway.stream} through its {@link GatewayCalls}, and
 * answers a {@code chat.completion} object or an SSE stream of {@code chat.completion.chunk}s. Both run async when
 * every filter of the chain allows it (no request thread is held while upstreams answer), else on the request thread;
 * either way the answers are the same, and a stream sends a keep-alive comment every {@value #KEEP_ALIVE_SECONDS} s of
 * silence.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/v1/chat/completions",
            "osgi.http.whiteboard.servlet.name=caracal-openai-chat-completions",
            "osgi.http.whiteboard.servlet.asyncSupported:Boolean=true",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class ChatCompletionsServlet extends GatewayCallServlet {
    private static final long serialVersionUID = 1L;
    static final long KEEP_ALIVE_SECONDS = 15;
    /**
     * The async timeout of a non-streamed call: none. The gateway's and the providers' timeouts bound the call; a
     * shorter limit here would cut answers the gateway is still allowed to wait for.
     */
    static final long ASYNC_TIMEOUT_MILLIS = 0;

    public ChatCompletionsServlet() {
        super("caracal-openai-keepalive");
    }

    @Override
    String newRequestId() {
        return CallContexts.completionId();
    }

    @Override
    void handle(HttpServletRequest req, HttpServletResponse resp, String requestId) throws IOException {
        ChatCompletionCall call = ChatCompletionParser.parse(readJson(req));
        answerChunked(
                req,
                resp,
                requestId,
                call.request(),
                call.includeUsage(),
                CompletionWriter::completion,
                (id, created, model, includeUsage) -> new ChunkStream(id, created, model, includeUsage)::on);
    }
}
