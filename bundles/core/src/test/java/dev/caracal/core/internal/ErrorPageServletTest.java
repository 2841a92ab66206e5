package dev.caracal.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.SurfaceErrors;
import dev.caracal.core.json.Json;
import java.util.Map;
import javax.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;

class ErrorPageServletTest {
    final ErrorPageServlet page = new ErrorPageServlet();

    JsonNode answer(ServletFakes.Recorded r, String uri, Map<String, String> headers, Map<String, Object> attributes)
            throws Exception {
        page.service(ServletFakes.request("/error", headers, attributes), r.response());
        String body = r.body();
        for (String leak : new String[] {"java.", "Exception", "secret", "\tat "}) {
            assertFalse(body.contains(leak), body);
        }
        return Json.mapper().readTree(body);
    }

    @Test
    void anExceptionThatEscapedAServletIsA500InTheSurfacesShapeWithAnIncidentAndNoDetailOfIt() throws Exception {
        Map<String, Object> thrown = Map.of(
                RequestDispatcher.ERROR_EXCEPTION,
                new IllegalStateException("secret internals"),
                RequestDispatcher.ERROR_REQUEST_URI,
                "/api/v1/collections/x/search");
        ServletFakes.Recorded api = new ServletFakes.Recorded();
        JsonNode problem = answer(api, "/api/v1/collections/x/search", Map.of(), thrown);
        assertEquals(500, api.status);
        assertEquals("application/problem+json", api.contentType);
        assertTrue(problem.get("detail").asText().contains("incident"), problem.toString());

        Map<String, Object> onV1 = Map.of(
                RequestDispatcher.ERROR_EXCEPTION,
                new IllegalStateException("secret"),
                RequestDispatcher.ERROR_REQUEST_URI,
                "/v1/chat/completions");
        ServletFakes.Recorded openai = new ServletFakes.Recorded();
        JsonNode envelope = answer(openai, "/v1/chat/completions", Map.of(), onV1);
        assertEquals("server_error", envelope.at("/error/type").asText());

        ServletFakes.Recorded anthropic = new ServletFakes.Recorded();
        JsonNode anthropicEnvelope = answer(anthropic, "/v1/models", Map.of("anthropic-version", "2023-06-01"), onV1);
        assertEquals("error", anthropicEnvelope.get("type").asText());
        assertEquals("api_error", anthropicEnvelope.at("/error/type").asText());
    }

    @Test
    void anErrorTheContainerSentKeepsItsStatusInPlainWords() throws Exception {
        ServletFakes.Recorded r = new ServletFakes.Recorded();
        JsonNode problem = answer(
                r,
                "/api/v1/collections",
                Map.of(),
                Map.of(
                        RequestDispatcher.ERROR_STATUS_CODE, 400,
                        RequestDispatcher.ERROR_MESSAGE, "org.eclipse.jetty.http.BadMessageException: secret",
                        RequestDispatcher.ERROR_REQUEST_URI, "/api/v1/collections"));
        assertEquals(400, r.status);
        assertEquals(
                "the request to /api/v1/collections is malformed",
                problem.get("detail").asText());

        ServletFakes.Recorded messages = new ServletFakes.Recorded();
        JsonNode envelope = answer(
                messages,
                "/v1/messages",
                Map.of(),
                Map.of(RequestDispatcher.ERROR_STATUS_CODE, 404, RequestDispatcher.ERROR_REQUEST_URI, "/v1/messages"));
        assertEquals(404, messages.status);
        assertEquals("not_found_error", envelope.at("/error/type").asText());
    }

    @Test
    void anthropicErrorTypesFollowItsTable() {
        assertEquals("invalid_request_error", SurfaceErrors.anthropicType(400));
        assertEquals("authentication_error", SurfaceErrors.anthropicType(401));
        assertEquals("permission_error", SurfaceErrors.anthropicType(403));
        assertEquals("not_found_error", SurfaceErrors.anthropicType(404));
        assertEquals("request_too_large", SurfaceErrors.anthropicType(413));
        assertEquals("rate_limit_error", SurfaceErrors.anthropicType(429));
        assertEquals("api_error", SurfaceErrors.anthropicType(500));
        assertEquals("overloaded_error", SurfaceErrors.anthropicType(529));
    }
}
