package dev.caracal.http.jetty.internal;

import java.util.List;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;

/**
 * Gives each connector of a Server Caracal's HTTP/1.1 connection factory in place of Jetty's, with the same
 * configuration. Connectors only accept this before they start.
 */
final class CaracalConnections {
    private CaracalConnections() {}

    static void install(Server server) {
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof AbstractConnector c && !c.isRunning()) {
                String defaultProtocol = c.getDefaultProtocol();
                for (ConnectionFactory factory : List.copyOf(c.getConnectionFactories())) {
                    if (factory.getClass() == HttpConnectionFactory.class) {
                        // same protocol names: replaces Jetty's factory, also as the next protocol after TLS
                        c.addConnectionFactory(new CaracalHttpConnectionFactory((HttpConnectionFactory) factory));
                    }
                }
                c.setDefaultProtocol(defaultProtocol);
            }
        }
    }
}
