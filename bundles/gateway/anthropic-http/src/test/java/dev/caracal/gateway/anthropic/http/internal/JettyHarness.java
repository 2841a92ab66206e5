package dev.caracal.gateway.anthropic.http.internal;

import java.io.IOException;
import java.util.EnumSet;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@link MessagesServlet} in an embedded Jetty 9.4 on a free port, as the whiteboard registers it: at {@code /} with
 * async support, and under {@code /blocking} behind a filter without async support, where calls run on the request
 * thread. A {@link StatisticsHandler} in front counts the requests in flight; Jetty's thread pool may be made small.
 */
final class JettyHarness implements AutoCloseable {
    final Server server;
    final ScriptedGateway gateway = new ScriptedGateway();
    final MessagesServlet servlet = new MessagesServlet();
    final StatisticsHandler stats = new StatisticsHandler();
    final int port;

    /** With {@code maxThreads > 0}, Jetty's pool has at most that many threads, one acceptor and one selector. */
    JettyHarness(int maxThreads) throws Exception {
        servlet.setGateway(gateway);
        server = maxThreads > 0 ? new Server(new QueuedThreadPool(maxThreads, Math.min(4, maxThreads))) : new Server();
        ServerConnector connector = maxThreads > 0 ? new ServerConnector(server, 1, 1) : new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        stats.setHandler(new ContextHandlerCollection(context("/blocking", false), context("/", true)));
        server.setHandler(stats);
        server.start();
        port = connector.getLocalPort();
    }

    private ServletContextHandler context(String path, boolean async) {
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ctx.setContextPath(path);
        ServletHolder holder = new ServletHolder("messages", servlet);
        holder.setAsyncSupported(true);
        ctx.addServlet(holder, "/v1/messages");
        ctx.addServlet(holder, "/v1/messages/*");
        FilterHolder guard = new FilterHolder(new PassFilter());
        guard.setAsyncSupported(async);
        ctx.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
        return ctx;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        gateway.upstream.shutdownNow();
    }

    /** Stands for Caracal's request-guard filter. */
    static final class PassFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            chain.doFilter(request, response);
        }
    }
}
