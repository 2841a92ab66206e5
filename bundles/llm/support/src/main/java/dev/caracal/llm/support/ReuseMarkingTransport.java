package dev.caracal.llm.support;

import org.eclipse.jetty.client.HttpDestination;
import org.eclipse.jetty.client.HttpExchange;
import org.eclipse.jetty.client.SendFailure;
import org.eclipse.jetty.client.api.Connection;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.http.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.http.HttpConnectionOverHTTP;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Promise;

/**
 * Jetty's HTTP/1.1 transport, marking each request sent on a connection that had already carried an answer (a pooled
 * keep-alive connection) with the attribute {@value #REUSED}. Only such a request can meet an upstream that closed the
 * connection while it was idle, and only such a request is sent again when it fails before any answer: a request on a
 * new connection that fails so is the upstream's failure, for the provider's retry policy (with its back-off) to judge,
 * not for the transport to repeat at once.
 */
final class ReuseMarkingTransport extends HttpClientTransportOverHTTP {
    static final String REUSED = "dev.caracal.llm.support.reused";

    ReuseMarkingTransport() {
        super(1);
    }

    /** Whether {@code request} went out on a connection that had carried an answer before. */
    static boolean reused(Request request) {
        return Boolean.TRUE.equals(request.getAttributes().get(REUSED));
    }

    @Override
    protected HttpConnectionOverHTTP newHttpConnection(
            EndPoint endPoint, HttpDestination destination, Promise<Connection> promise) {
        return new HttpConnectionOverHTTP(endPoint, destination, promise) {
            @Override
            protected SendFailure send(HttpExchange exchange) {
                if (getMessagesIn() > 0) {
                    exchange.getRequest().attribute(REUSED, Boolean.TRUE);
                }
                return super.send(exchange);
            }
        };
    }
}
