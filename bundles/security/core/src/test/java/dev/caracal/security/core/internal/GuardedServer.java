package dev.caracal.security.core.internal;

import dev.caracal.security.Principal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * An embedded Jetty that puts a {@link Guard} in front of every path, as the shared context's guard filter does, the
 * admin servlets and the audit filter in their places, and a servlet elsewhere that answers with the request's
 * principal ({@code tenant role actor}).
 */
final class GuardedServer implements AutoCloseable {
    private final Server server = new Server();
    private final HttpClient http = HttpClient.newHttpClient();
    final int port;

    GuardedServer(SecurityFixture f) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        Filter guard = (request, response, chain) -> {
            if (f.guard.admit((HttpServletRequest) request, (HttpServletResponse) response)) {
                chain.doFilter(request, response);
            }
        };
        context.addFilter(new FilterHolder(guard), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new AuditFilter(f.audit)), "/api/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new TenantsServlet(f.admin)), "/api/v1/tenants");
        context.addServlet(new ServletHolder(new TenantsServlet(f.admin)), "/api/v1/tenants/*");
        context.addServlet(new ServletHolder(new KeysServlet(f.admin)), "/api/v1/keys");
        context.addServlet(new ServletHolder(new KeysServlet(f.admin)), "/api/v1/keys/*");
        context.addServlet(new ServletHolder(new AuditServlet(f.audit)), "/api/v1/audit");
        context.addServlet(
                new ServletHolder(new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        Principal p = Principal.of(req);
                        resp.setContentType("text/plain");
                        resp.getWriter().print(p.tenant() + " " + p.role().id() + " " + p.actor());
                    }
                }),
                "/");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = request(path).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    HttpResponse<String> postJson(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
