package dev.caracal.http.jetty.internal;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannelOverHttp;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;

/**
 * Jetty's HTTP/1.1 channel, remembering the target and {@code anthropic-version} of the request it parses so that a
 * request the parser refuses is answered in its surface's shape, with a 4xx status (Jetty's parser says 505 for a
 * request line without a version). The answer itself is written by {@link CaracalErrorHandler#badMessageError},
 * which Jetty calls on this thread from within {@link #badMessage}.
 */
final class CaracalHttpChannel extends HttpChannelOverHttp {
    private static final ThreadLocal<RequestSeen> REFUSING = new ThreadLocal<>();

    final RequestSeen seen = new RequestSeen();

    CaracalHttpChannel(HttpConnection connection, Connector connector, HttpConfiguration config, EndPoint endPoint) {
        super(connection, connector, config, endPoint, connection);
    }

    /** The request whose refusal is being written on this thread, or {@code null}. */
    static RequestSeen refusing() {
        return REFUSING.get();
    }

    @Override
    public boolean startRequest(String method, String uri, HttpVersion version) {
        seen.target(uri);
        return super.startRequest(method, uri, version);
    }

    @Override
    public void parsedHeader(HttpField field) {
        seen.header(field.getName());
        super.parsedHeader(field);
    }

    @Override
    public void badMessage(BadMessageException failure) {
        int status = ErrorMessages.clientStatus(failure.getCode());
        BadMessageException refusal =
                status == failure.getCode() ? failure : new BadMessageException(status, failure.getReason(), failure);
        REFUSING.set(seen);
        try {
            super.badMessage(refusal);
        } finally {
            REFUSING.remove();
        }
    }
}
