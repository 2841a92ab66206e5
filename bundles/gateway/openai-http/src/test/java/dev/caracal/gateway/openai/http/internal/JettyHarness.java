package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.HttpSettings;
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
 * The ingress servlets in an embedded Jetty 9.4 on a free port, as the whiteboard registers them: at {@code /} with
 * async support, and again under {@code /blocking} behind a filter without async support (as Caracal's guard filter
 * once was), so calls run on the request thread there. A {@link StatisticsHandler} in front counts the requests in
 * flight; Jetty's thread pool may be made small.
 */
final class JettyHarness implements AutoCloseable {
    final Server server;
    final ScriptedGateway gateway = new ScriptedGateway();
    final ChatCompletionsServlet chat = new ChatCompletionsServlet();
    final EmbeddingsServlet embeddings = new EmbeddingsServlet();
    final ModelsServlet models = new ModelsServlet();
    final StatisticsHandler stats = new StatisticsHandler();
    final int port;

    JettyHarness(long maxBodyBytes) throws Exception {
        this(maxBodyBytes, 0);
    }

    /** With {@code maxThreads > 0}, Jetty's pool has at most that many threads, one acceptor and one selector. */
    JettyHarness(long maxBodyBytes, int maxThreads) throws Exception {
        server = maxThreads > 0 ? new Server(new QueuedThreadPool(maxThreads, Math.min(4, maxThreads))) : new Server();
        ServerConnector connector = maxThreads > 0 ? new ServerConnector(server, 1, 1) : new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        HttpSettings settings = () -> maxBodyBytes;

        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(context("/", true, settings, chat, embeddings, models));
        contexts.addHandler(context(
                "/blocking",
                false,
                settings,
                new ChatCompletionsServlet(),
                new EmbeddingsServlet(),
                new ModelsServlet()));
        stats.setHandler(contexts);
        server.setHandler(stats);
        server.start();
        port = connector.getLocalPort();
    }

    private ServletContextHandler context(
            String path,
            boolean async,
            HttpSettings settings,
            ChatCompletionsServlet c,
            EmbeddingsServlet e,
            ModelsServlet m) {
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath(path);
        for (OpenAiServlet s : new OpenAiServlet[] {c, e, m}) {
            s.setGateway(gateway);
            s.setSettings(settings);
        }
        ServletHolder ch = new ServletHolder(c);
        ch.setAsyncSupported(true);
        ctx.addServlet(ch, "/v1/chat/completions");
        ctx.addServlet(new ServletHolder(e), "/v1/embeddings");
        ServletHolder mh = new ServletHolder(m);
        ctx.addServlet(mh, "/v1/models");
        ctx.addServlet(mh, "/v1/models/*");
        FilterHolder guard = new FilterHolder(new PassFilter());
        guard.setAsyncSupported(async);
        ctx.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
        return ctx;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    String blockingBaseUrl() {
        return "http://127.0.0.1:" + port + "/blocking/v1";
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
