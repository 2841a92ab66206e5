package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.json.Json;
import dev.caracal.core.log.LogThrottle;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import java.io.IOException;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON answers and OpenAI error envelopes. */
final class Responses {
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
    /** One line per failed call, but a storm of failures logs a sample and a count (see {@link LogThrottle}). */
    private static final LogThrottle WARN = LogThrottle.of(LOG::warn);

    private static final LogThrottle INFO = LogThrottle.of(LOG::info);
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
        if (!resp.isCommitted()) {
            writeJson(resp, status, Json.mapper().writeValueAsBytes(body));
        }
    }

    /** Sends {@code bytes}, a JSON body in UTF-8. */
    static void writeJson(HttpServletResponse resp, int status, byte[] bytes) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.setStatus(status);
        resp.setContentType(CaracalHttp.JSON);
        resp.setCharacterEncoding("UTF-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /**
     * One log line for a refused or failed call: its request id, status, error type and reason (INFO for a client's
     * error, WARN for the gateway's or an upstream's); at most {@value LogThrottle#LINES_PER_WINDOW} of each level per
     * 10 s, the rest counted in a later line.
     */
    static void logAnswer(HttpServletResponse resp, OpenAiError error, boolean midStream) {
        String line = "answered {} {} {}{}: {}";
        Object[] args = {
            resp.getHeader(REQUEST_ID),
            error.status(),
            error.type(),
            midStream ? " (in the stream)" : "",
            error.message()
        };
        if (error.status() >= 500) {
            WARN.log(line, args);
        } else if (LOG.isInfoEnabled()) {
            INFO.log(line, args);
        }
    }

    /** The error's status, headers and envelope; nothing when the response is already committed. */
    static void writeError(HttpServletResponse resp, OpenAiError error) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        logAnswer(resp, error, false);
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
