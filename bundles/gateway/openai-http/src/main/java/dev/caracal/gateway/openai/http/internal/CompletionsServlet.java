package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.openai.http.completions.CompletionChunks;
import dev.caracal.gateway.openai.http.completions.CompletionsCall;
import dev.caracal.gateway.openai.http.completions.CompletionsParser;
import dev.caracal.gateway.openai.http.completions.CompletionsRenderer;
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
        answerChunked(
                req,
                resp,
                requestId,
                call.request(),
                call.includeUsage(),
                (id, created, model, answer) ->
                        Json.mapper().writeValueAsBytes(CompletionsRenderer.completion(id, created, model, answer)),
                (id, created, model, includeUsage) -> new CompletionChunks(id, created, model, includeUsage)::on);
    }
}
