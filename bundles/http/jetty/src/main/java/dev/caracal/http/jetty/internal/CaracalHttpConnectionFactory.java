package dev.caracal.http.jetty.internal;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/** Jetty's HTTP/1.1 connection factory, making {@link CaracalHttpConnection}s with the same configuration. */
final class CaracalHttpConnectionFactory extends HttpConnectionFactory {

    CaracalHttpConnectionFactory(HttpConnectionFactory replaced) {
        super(replaced.getHttpConfiguration(), replaced.getHttpCompliance());
        setRecordHttpComplianceViolations(replaced.isRecordHttpComplianceViolations());
        setInputBufferSize(replaced.getInputBufferSize());
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HttpConfiguration config = getHttpConfiguration();
        HttpCompliance compliance = getHttpCompliance();
        return configure(
                new CaracalHttpConnection(config, connector, endPoint, compliance, isRecordHttpComplianceViolations()),
                connector,
                endPoint);
    }
}
