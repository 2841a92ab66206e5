package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.QueryParameters;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.gateway.openai.http.codec.OpenAiErrors;
import dev.caracal.gateway.openai.http.responses.InputItemsPage;
import dev.caracal.gateway.openai.http.store.ResponseStore;
import dev.caracal.gateway.openai.http.store.StoredResponse;
import dev.caracal.security.Principal;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The stored responses of the request's tenant: {@code GET /v1/responses/{id}} (the response as it was answered),
 * {@code DELETE /v1/responses/{id}} (OpenAI's deleted object), {@code GET /v1/responses/{id}/input_items} (its input,
 * a page of a list). Another tenant's id is a 404, the same as an id that never existed.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/v1/responses/*",
            "osgi.http.whiteboard.servlet.name=caracal-openai-stored-responses",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class StoredResponsesServlet extends OpenAiServlet {
    private static final long serialVersionUID = 1L;
    private static final String INPUT_ITEMS = "/input_items";

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile ResponseStore store;

    @Override
    Set<String> methods() {
        return Set.of("GET", "DELETE");
    }

    @Override
    void handle(HttpServletRequest req, HttpServletResponse resp, String requestId) throws IOException {
        String info = req.getPathInfo() == null ? "" : req.getPathInfo();
        boolean inputItems = info.endsWith(INPUT_ITEMS);
        String id =
                info.substring(info.startsWith("/") ? 1 : 0, info.length() - (inputItems ? INPUT_ITEMS.length() : 0));
        if (id.isEmpty() || id.contains("/")) {
            throw new OpenAiErrorException(OpenAiErrors.notFound(req.getRequestURI()));
        }
        StoredResponses responses = StoredResponses.of(store, Principal.of(req).tenant());
        if (req.getMethod().equals("DELETE")) {
            if (inputItems) {
                resp.setHeader("Allow", "GET");
                throw new OpenAiErrorException(OpenAiErrors.methodNotAllowed("DELETE", req.getRequestURI()));
            }
            QueryParameters.parse(req.getQueryString(), Set.of());
            responses.delete(id);
            ObjectNode deleted = Json.mapper().createObjectNode();
            deleted.put("id", id);
            deleted.put("object", "response");
            deleted.put("deleted", true);
            Responses.writeJson(resp, 200, deleted);
            return;
        }
        if (inputItems) {
            Map<String, String> query = QueryParameters.parse(req.getQueryString(), InputItemsPage.PARAMETERS);
            StoredResponse found = responses.get(id, null);
            Responses.writeJson(resp, 200, InputItemsPage.of(read(found.input()), query));
            return;
        }
        Map<String, String> query = QueryParameters.parse(req.getQueryString(), Set.of("stream"));
        if (query.containsKey("stream") && !query.get("stream").equals("false")) {
            throw InvalidRequestException.unsupportedValue(
                    "stream", "a stored response cannot be streamed again; ask without 'stream'.");
        }
        Responses.writeJson(resp, 200, read(responses.get(id, null).response()));
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored response is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
