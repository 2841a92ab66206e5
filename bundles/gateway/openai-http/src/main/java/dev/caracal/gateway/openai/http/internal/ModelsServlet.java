package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.gateway.openai.http.codec.ModelsCodec;
import dev.caracal.gateway.openai.http.codec.OpenAiErrors;
import dev.caracal.llm.ModelInfo;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the model names the gateway answers. An id may contain
 * slashes ({@code /v1/models/openai/gpt-4o}).
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/v1/models",
            "osgi.http.whiteboard.servlet.pattern=/v1/models/*",
            "osgi.http.whiteboard.servlet.name=caracal-openai-models",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class ModelsServlet extends OpenAiServlet {
    private static final long serialVersionUID = 1L;

    @Override
    Set<String> methods() {
        return Set.of("GET");
    }

    @Override
    void handle(HttpServletRequest req, HttpServletResponse resp, String requestId) throws IOException {
        String info = req.getPathInfo();
        String id = info == null ? "" : info.startsWith("/") ? info.substring(1) : info;
        List<ModelInfo> models = gateway().models();
        if (id.isEmpty()) {
            Responses.writeJson(resp, 200, ModelsCodec.list(models));
            return;
        }
        ModelInfo found = models.stream()
                .filter(m -> m.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new OpenAiErrorException(OpenAiErrors.modelNotFound(id)));
        Responses.writeJson(resp, 200, ModelsCodec.model(found));
    }
}
