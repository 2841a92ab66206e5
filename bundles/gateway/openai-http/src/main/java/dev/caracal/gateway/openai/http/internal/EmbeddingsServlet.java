package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.openai.http.codec.EmbeddingsCall;
import dev.caracal.gateway.openai.http.codec.EmbeddingsCodec;
import dev.caracal.llm.Embeddings;
import java.io.IOException;
import java.util.Set;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * {@code POST /v1/embeddings}: OpenAI's embeddings endpoint over {@code Gateway.embed}. The headers the gateway asks
 * for ({@code CallContext.responseHeaders()}, the provider that served among them) go out with the answer or the
 * refusal.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/v1/embeddings",
            "osgi.http.whiteboard.servlet.name=caracal-openai-embeddings",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class EmbeddingsServlet extends OpenAiServlet {
    private static final long serialVersionUID = 1L;

    @Override
    Set<String> methods() {
        return Set.of("POST");
    }

    @Override
    void handle(HttpServletRequest req, HttpServletResponse resp, String requestId) throws IOException {
        EmbeddingsCall call = EmbeddingsCodec.parse(readJson(req));
        CallContext context = CallContexts.of(req, requestId);
        Embeddings embeddings;
        try {
            embeddings = gateway().embed(context, call.model(), call.inputs());
        } finally {
            Responses.filterHeaders(context, resp); // on the answer and on a refusal alike
        }
        EmbeddingsCodec.checkDimensions(call, embeddings);
        Responses.writeJson(resp, 200, EmbeddingsCodec.render(call, embeddings));
    }
}
