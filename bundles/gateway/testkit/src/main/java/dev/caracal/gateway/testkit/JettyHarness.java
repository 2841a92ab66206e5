package dev.caracal.gateway.testkit;

import java.io.IOException;
import java.util.EnumSet;
import java.util.function.Consumer;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.Servlet;
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
 * An ingress's servlets and filters in an embedded Jetty 9.4 on a free port of 127.0.0.1, as the whiteboard registers
 * them, twice: at {@code /} behind a guard filter with async support (as Caracal's request guard is), and under
 * {@code /blocking} behind a guard without it (as a whiteboard filter without async support would be), where calls
 * run on the request thread. A {@link StatisticsHandler} in front counts the requests in flight; Jetty's thread pool
 * may be made small.
 */
public final class JettyHarness implements AutoCloseable {
    /** The path of the context whose guard filter has no async support. */
    public static final String BLOCKING = "/blocking";

    /** What one context serves. */
    public interface Routes {
        /** Maps {@code servlet} (one holder, async supported) at every path of {@code paths}. */
        Routes servlet(Servlet servlet, String... paths);

        /** Maps {@code filter} (async supported) at every path of {@code paths}, after the guard. */
        Routes filter(Filter filter, String... paths);
    }

    private final Server server;
    private final StatisticsHandler stats = new StatisticsHandler();
    private final Guard blockingGuard = new Guard();
    private final int port;

    private JettyHarness(int maxThreads, Consumer<Routes> routes, Consumer<Routes> blockingRoutes) throws Exception {
        server = maxThreads > 0 ? new Server(new QueuedThreadPool(maxThreads, Math.min(4, maxThreads))) : new Server();
        ServerConnector connector = maxThreads > 0 ? new ServerConnector(server, 1, 1) : new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        stats.setHandler(new ContextHandlerCollection(
                context("/", new Guard(), true, routes), context(BLOCKING, blockingGuard, false, blockingRoutes)));
        server.setHandler(stats);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        port = connector.getLocalPort();
    }

    /**
     * Starts a server whose two contexts serve the same instances. With {@code maxThreads > 0}, Jetty's pool has at
     * most that many threads, one acceptor and one selector; with 0, Jetty's defaults.
     */
    public static JettyHarness start(int maxThreads, Consumer<Routes> routes) throws Exception {
        return new JettyHarness(maxThreads, routes, routes);
    }

    /** Starts a server whose {@code /} and {@code /blocking} contexts each map what their routes say. */
    public static JettyHarness start(int maxThreads, Consumer<Routes> routes, Consumer<Routes> blockingRoutes)
            throws Exception {
        return new JettyHarness(maxThreads, routes, blockingRoutes);
    }

    private static ServletContextHandler context(String path, Guard guard, boolean async, Consumer<Routes> routes) {
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath(path);
        FilterHolder guardHolder = new FilterHolder(guard);
        guardHolder.setAsyncSupported(async);
        context.addFilter(guardHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
        routes.accept(new Routes() {
            @Override
            public Routes servlet(Servlet servlet, String... paths) {
                ServletHolder holder = new ServletHolder(servlet);
                holder.setAsyncSupported(true);
                for (String p : paths) {
                    context.addServlet(holder, p);
                }
                return this;
            }

            @Override
            public Routes filter(Filter filter, String... paths) {
                FilterHolder holder = new FilterHolder(filter);
                holder.setAsyncSupported(true);
                for (String p : paths) {
                    context.addFilter(holder, p, EnumSet.of(DispatcherType.REQUEST));
                }
                return this;
            }
        });
        return context;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:port} followed by {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The most threads Jetty's pool may have. */
    public int maxThreads() {
        return ((QueuedThreadPool) server.getThreadPool()).getMaxThreads();
    }

    /** Requests being served, including those waiting asynchronously. */
    public int requestsActive() {
        return stats.getRequestsActive();
    }

    /** Requests suspended in async mode, waiting for their answer. */
    public int asyncRequestsWaiting() {
        return stats.getAsyncRequestsWaiting();
    }

    /** The guard in front of the {@code /blocking} context, which tells what it saw of the last request. */
    public Guard blockingGuard() {
        return blockingGuard;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Stands for Caracal's request-guard filter: passes every request on and notes how the last one went. */
    public static final class Guard implements Filter {
        private volatile boolean asyncSupported = true;
        private volatile boolean answeredInChain;

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            asyncSupported = request.isAsyncSupported();
            chain.doFilter(request, response);
            answeredInChain = !request.isAsyncStarted() && response.isCommitted();
        }

        /** Whether the last request allowed async processing; {@code true} until a request passed. */
        public boolean asyncSupported() {
            return asyncSupported;
        }

        /** Whether the last request's answer was committed, not left to async processing, when the chain returned. */
        public boolean answeredInChain() {
            return answeredInChain;
        }
    }
}
