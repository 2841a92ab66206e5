package dev.caracal.vector.http.internal;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/** A {@link CollectionsServlet} on an embedded Jetty at 127.0.0.1, mapped as the whiteboard maps it. */
final class ServedServlet implements AutoCloseable {
    private final Server server = new Server();
    /** {@code http://127.0.0.1:port/api/v1/collections}. */
    final String base;

    ServedServlet(CollectionsServlet servlet) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(servlet);
        context.addServlet(holder, "/api/v1/collections");
        context.addServlet(holder, "/api/v1/collections/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/api/v1/collections";
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
