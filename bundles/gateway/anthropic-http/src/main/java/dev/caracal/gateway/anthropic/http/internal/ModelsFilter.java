package dev.caracal.gateway.anthropic.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.QueryParameters;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.anthropic.http.codec.AnthropicError;
import dev.caracal.gateway.anthropic.http.codec.ModelsPage;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} in Anthropic's shape for Anthropic clients. OpenAI and
 * Anthropic share these paths with different bodies; every Anthropic SDK sends {@code anthropic-version}, so a request
 * carrying it is answered here ({@link ModelsPage}) and any other passes on to the OpenAI ingress. Ranked below the
 * request guards, so authentication still comes first. Without this bundle, Anthropic clients get OpenAI's list.
 */
@Component(
        service = Filter.class,
        property = {
            "osgi.http.whiteboard.filter.pattern=/v1/models",
            "osgi.http.whiteboard.filter.pattern=/v1/models/*",
            "osgi.http.whiteboard.filter.name=caracal-anthropic-models",
            "osgi.http.whiteboard.filter.asyncSupported:Boolean=true",
            "service.ranking:Integer=-100",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class ModelsFilter implements Filter {
    static final String VERSION_HEADER = "anthropic-version";
    private static final String MODELS = "/v1/models";
    /** The query parameters of the list (Anthropic's API); a model's own path takes none. */
    private static final Set<String> LIST_PARAMETERS = Set.of("limit", "after_id", "before_id");

    /** Bound by SCR (field injection); package-private so that the tests in this package bind it as SCR does. */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Gateway gateway;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest req)
                || !(response instanceof HttpServletResponse resp)
                || req.getHeader(VERSION_HEADER) == null) {
            chain.doFilter(request, response);
            return;
        }
        String requestId = new IncomingCall().requestId();
        resp.setHeader("request-id", requestId);
        try {
            ObjectNode body = answer(req);
            resp.setStatus(200);
            resp.setContentType(CaracalHttp.JSON);
            resp.setCharacterEncoding("UTF-8");
            Json.mapper().writeValue(resp.getOutputStream(), body);
        } catch (RuntimeException e) {
            ErrorResponses.write(resp, MessagesServlet.toError(e, req), requestId, "GET");
        }
    }

    private ObjectNode answer(HttpServletRequest req) {
        if (!"GET".equals(req.getMethod())) {
            throw new AnthropicError(
                    405,
                    AnthropicError.INVALID_REQUEST,
                    "Method Not Allowed: " + req.getMethod() + " " + req.getRequestURI() + " accepts only GET");
        }
        Gateway g = gateway;
        if (g == null) {
            throw new AnthropicError(
                    503,
                    AnthropicError.API,
                    "the LLM gateway is not running; check caracal:status (feature caracal-gateway)");
        }
        String path = decodedPath(req);
        if (path.equals(MODELS)) {
            Map<String, String> query = QueryParameters.parse(req.getQueryString(), LIST_PARAMETERS);
            return ModelsPage.page(g.models(), query.get("limit"), query.get("after_id"), query.get("before_id"));
        }
        QueryParameters.parse(req.getQueryString(), Set.of());
        return ModelsPage.find(g.models(), path.substring(MODELS.length() + 1));
    }

    /** The path inside the context, decoded (a model id may contain an encoded slash), without trailing slashes. */
    private static String decodedPath(HttpServletRequest req) {
        String path = (req.getServletPath() == null ? "" : req.getServletPath())
                + (req.getPathInfo() == null ? "" : req.getPathInfo());
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }
}
