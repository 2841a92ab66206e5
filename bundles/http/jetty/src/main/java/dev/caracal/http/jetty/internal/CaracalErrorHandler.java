package dev.caracal.http.jetty.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The Server's error handler (set by this fragment's {@code jetty.xml}): Jetty's own error answers, those no servlet
 * context writes, in the shape of the surface the request was for, never an HTML page.
 *
 * <ul>
 *   <li>a request Jetty's parser refuses (bad request line, bad escape in the target, headers too large): a 4xx
 *       written by {@link #badMessageError}, the shape chosen from what {@link CaracalHttpChannel} read;
 *   <li>an error Jetty answers outside any context (a 404 where no context serves the path): the status as it is,
 *       in the path's shape. Caracal's own paths never get here while its servlets are missing: {@link
 *       CaracalPathGate} answers those with a 503 first.
 * </ul>
 *
 * <p>Starting, it also gives every connector Caracal's HTTP/1.1 connections ({@link CaracalConnections}).
 */
public class CaracalErrorHandler extends ErrorHandler {
    public CaracalErrorHandler() {
        setShowStacks(false);
        setShowServlet(false);
    }

    /**
     * Pax Web adds its connectors after applying {@code jetty.xml} and before starting the Server, which starts its
     * beans (this handler among them) before its connectors: the one moment to give them Caracal's connections.
     * (Done here rather than in a bean of its own so that this fragment adds no package import to its host.)
     */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (getServer() != null) {
            CaracalConnections.install(getServer());
        }
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // an error answer has a body whatever the method (Jetty's default: GET, POST and HEAD only)
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields fields) {
        RequestSeen seen = CaracalHttpChannel.refusing();
        String target = seen == null ? null : seen.target();
        ErrorShape shape = seen == null ? ErrorShape.PROBLEM : seen.shape();
        ErrorBody body = ErrorBody.of(shape, status, ErrorMessages.parserMessage(status, reason, target));
        fields.put(HttpHeader.CONTENT_TYPE, body.contentType());
        return ByteBuffer.wrap(body.bytes());
    }

    @Override
    protected void generateAcceptableResponse(
            Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code, String message)
            throws IOException {
        // the message Jetty passes may be an exception's text: Caracal says its own
        String path = request.getRequestURI();
        ErrorShape shape = ErrorShape.of(path, request.getHeader("anthropic-version") != null);
        ErrorBody.of(shape, code, ErrorMessages.dispatchMessage(code, path)).writeTo(response);
        baseRequest.setHandled(true);
    }
}
