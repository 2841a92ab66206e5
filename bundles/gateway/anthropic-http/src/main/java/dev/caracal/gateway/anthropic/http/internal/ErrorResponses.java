package dev.caracal.gateway.anthropic.http.internal;

import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.json.Json;
import dev.caracal.core.log.LogThrottle;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.anthropic.http.codec.AnthropicError;
import dev.caracal.gateway.anthropic.http.codec.AnthropicErrors;
import java.io.IOException;
import java.time.Duration;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes an {@link AnthropicError} as an HTTP answer: status, retry headers, Anthropic's envelope. */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    /** One line per failed call, but a storm of failures logs a sample and a count (see {@link LogThrottle}). */
    private static final LogThrottle WARN = LogThrottle.of(LOG::warn);

    private static final LogThrottle INFO = LogThrottle.of(LOG::info);

    private ErrorResponses() {}

    /**
     * One log line for a refused or failed call: its request id, status, error type and reason (INFO for a client's
     * error, WARN for the gateway's or an upstream's); at most {@value LogThrottle#LINES_PER_WINDOW} of each level per
     * 10 s, the rest counted in a later line.
     */
    static void log(String requestId, AnthropicError error, boolean midStream) {
        String line = "answered {} {} {}{}: {}";
        Object[] args = {
            requestId, error.status(), error.type(), midStream ? " (in the stream)" : "", error.getMessage()
        };
        if (error.status() >= 500) {
            WARN.log(line, args);
        } else if (LOG.isInfoEnabled()) {
            INFO.log(line, args);
        }
    }

    /** Sends the headers the call's filters asked for ({@link CallContext#responseHeaders}); before the answer. */
    static void filterHeaders(CallContext context, HttpServletResponse resp) {
        if (context != null && !resp.isCommitted()) {
            context.responseHeaders().forEach(resp::setHeader);
        }
    }

    static void write(HttpServletResponse resp, AnthropicError error, String requestId) throws IOException {
        write(resp, error, requestId, "POST");
    }

    /** As {@link #write(HttpServletResponse, AnthropicError, String)}; a 405 names {@code allow} as the method. */
    static void write(HttpServletResponse resp, AnthropicError error, String requestId, String allow)
            throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        log(requestId, error, false);
        resp.resetBuffer();
        resp.setStatus(error.status());
        if (error.doNotRetry()) {
            resp.setHeader("x-should-retry", "false");
        }
        Duration retryAfter = error.retryAfter();
        if (retryAfter != null && !retryAfter.isNegative()) {
            long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
            resp.setHeader("retry-after", Long.toString(seconds));
        }
        if (error.status() == 405) {
            resp.setHeader("Allow", allow);
        }
        resp.setContentType(CaracalHttp.JSON);
        resp.setCharacterEncoding("UTF-8");
        Json.mapper().writeValue(resp.getOutputStream(), AnthropicErrors.envelope(error, requestId));
    }
}
