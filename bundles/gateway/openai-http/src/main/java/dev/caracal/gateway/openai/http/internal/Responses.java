package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import java.io.IOException;
import javax.servlet.http.HttpServletResponse;

/** Writes JSON answers and OpenAI error envelopes. */
final class Responses {
    static final String REQUEST_ID = "x-request-id";
    static final String SHOULD_RETRY = "x-should-retry";

    private Responses() {}

    /** Sends the headers the call's filters asked for ({@link CallContext#responseHeaders}); before the answer. */
    static void filterHeaders(CallContext context, HttpServletResponse resp) {
        if (context != null && !resp.isCommitted()) {
            context.responseHeaders().forEach(resp::setHeader);
        }
    }

    static void writeJson(HttpServletResponse resp, int status, JsonNode body) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.setStatus(status);
        resp.setContentType(CaracalHttp.JSON);
        resp.setCharacterEncoding("UTF-8");
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** The error's status, headers and envelope; nothing when the response is already committed. */
    static void writeError(HttpServletResponse resp, OpenAiError error) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        String retryAfter = error.retryAfterSeconds();
        if (retryAfter != null) {
            resp.setHeader("retry-after", retryAfter);
            resp.setHeader("retry-after-ms", error.retryAfterMillis());
        }
        if (error.doNotRetry()) {
            resp.setHeader(SHOULD_RETRY, "false");
        }
        writeJson(resp, error.status(), error.toJson());
    }
}
