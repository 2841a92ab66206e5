package dev.caracal.vector.http.internal;

import dev.caracal.security.Principal;
import java.util.EnumSet;
import java.util.function.Function;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.http.HttpServletRequest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * A {@link CollectionsServlet} on an embedded Jetty at 127.0.0.1, mapped as the whiteboard maps it; optionally behind
 * a filter that does what the security guard does, setting each request's {@link Principal} (as the test decides).
 */
final class ServedServlet implements AutoCloseable {
    private final Server server = new Server();
    /** {@code http://127.0.0.1:port/api/v1/collections}. */
    final String base;

    /** Without a guard: every request is the {@link Principal#OPERATOR}. */
    ServedServlet(CollectionsServlet servlet) throws Exception {
        this(servlet, null);
    }

    /** Behind a guard that sets the principal {@code principals} gives for each request ({@code null}: none). */
    ServedServlet(CollectionsServlet servlet, Function<HttpServletRequest, Principal> principals) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        if (principals != null) {
            Filter guard = (request, response, chain) -> {
                Principal principal = principals.apply((HttpServletRequest) request);
                if (principal != null) {
                    request.setAttribute(Principal.ATTRIBUTE, principal);
                }
                chain.doFilter(request, response);
            };
            context.addFilter(new FilterHolder(guard), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
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
