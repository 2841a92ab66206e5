package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.gateway.openai.http.completions.CompletionChunks;
import dev.caracal.gateway.openai.http.completions.CompletionsCall;
import dev.caracal.gateway.openai.http.completions.CompletionsParser;
import dev.caracal.gateway.openai.http.completions.CompletionsRenderer;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.StreamEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
public class CompletionsServlet extends OpenAiServlet {
    private static final long serialVersionUID = 1L;

    transient GatewayCalls calls;

    @Override
    public void init() {
        calls = new GatewayCalls("caracal-openai-completions-keepalive");
    }

    @Override
    public void destroy() {
        calls.close();
    }

    @Override
    Set<String> methods() {
        return Set.of("POST");
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
        try {
            if (!request.stream()) {
                calls.complete(
                        req,
                        resp,
                        requestId,
                        gateway,
                        context,
                        request,
                        answer -> Responses.writeJson(
                                resp,
                                200,
                                CompletionsRenderer.completion(requestId, created, request.model(), answer)));
                return;
            }
            CompletionChunks chunks = new CompletionChunks(requestId, created, request.model(), call.includeUsage());
            calls.stream(
                    req, resp, requestId, gateway, context, request, encoder(chunks), e -> toError(e, req, requestId));
        } catch (RuntimeException e) {
            Responses.filterHeaders(context, resp); // a refusal by a filter still carries its headers
            throw e;
        }
    }

    /** The chunks as SSE data, then {@code [DONE]}; a failure after the start is {@code data: {"error":...}}. */
    private static StreamEncoder encoder(CompletionChunks chunks) {
        return new StreamEncoder() {
            @Override
            public List<Sse> on(StreamEvent event) {
                List<Sse> out = new ArrayList<>();
                for (ObjectNode chunk : chunks.on(event)) {
                    out.add(Sse.data(chunk.toString()));
                }
                if (event instanceof StreamEvent.End) {
                    out.add(Sse.data("[DONE]"));
                }
                return out;
            }

            @Override
            public List<Sse> failed(OpenAiError error) {
                return List.of(Sse.data(error.toJson().toString()));
            }
        };
    }
}
