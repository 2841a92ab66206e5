package dev.caracal.http.jetty.internal;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannelOverHttp;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;

/** Jetty's HTTP/1.1 connection with Caracal's channel and target-peeking parser (see {@link CaracalHttpChannel}). */
final class CaracalHttpConnection extends HttpConnection {

    CaracalHttpConnection(
            HttpConfiguration config,
            Connector connector,
            EndPoint endPoint,
            HttpCompliance compliance,
            boolean recordComplianceViolations) {
        super(config, connector, endPoint, compliance, recordComplianceViolations);
    }

    @Override
    protected HttpChannelOverHttp newHttpChannel() {
        // called by HttpConnection's constructor: only its own state is there yet
        return new CaracalHttpChannel(this, getConnector(), getHttpConfiguration(), getEndPoint());
    }

    @Override
    protected HttpParser newHttpParser(HttpCompliance compliance) {
        return new TargetPeekingParser(
                newRequestHandler(),
                getHttpConfiguration().getRequestHeaderSize(),
                compliance,
                ((CaracalHttpChannel) getHttpChannel()).seen);
    }
}
