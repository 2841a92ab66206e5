package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.openai.http.completions.CompletionChunks;
import dev.caracal.gateway.openai.http.completions.CompletionsCall;
import dev.caracal.gateway.openai.http.completions.CompletionsParser;
import dev.caracal.gateway.openai.http.completions.CompletionsRenderer;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.RequestExtras;
import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * {@code POST /v1/completions}: OpenAI's legacy Completions endpoint over the gateway's chat call (the prompt is one
 * user message), answered as a {@code text_completion}, or streamed as {@code text_completion} chunks ending with
 * {@code data: [DONE]}; blocking, async and streamed exactly as {@code /v1/chat/completions} is.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/v1/completions",
            "osgi.http.whiteboard.servlet.name=caracal-openai-completions",
            "osgi.http.whiteboard.servlet.asyncSupported:Boolean=true",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class CompletionsServlet extends GatewayCallServlet {
    private static final long serialVersionUID = 1L;

    public CompletionsServlet() {
        super("caracal-openai-completions-keepalive");
    }

    @Override
    String newRequestId() {
        return CallContexts.textCompletionId();
    }

    @Override
    void handle(HttpServletRequest req, HttpServletResponse resp, String requestId) throws IOException {
        CompletionsCall call = CompletionsParser.parse(readJson(req));
        Gateway gateway = gateway();
        CallContext context = CallContexts.of(req, requestId);
        RequestExtras extras = call.request().extras();
        ChatRequest request =
                call.request().withExtras(new RequestExtras(extras.format(), extras.fields(), context.headers()));
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
                            resp, 200, CompletionsRenderer.completion(requestId, created, request.model(), answer)));
            return;
        }
        CompletionChunks chunks = new CompletionChunks(requestId, created, request.model(), call.includeUsage());
        calls.stream(req, resp, requestId, gateway, context, request, StreamEncoder.chunks(chunks::on));
    }
}
