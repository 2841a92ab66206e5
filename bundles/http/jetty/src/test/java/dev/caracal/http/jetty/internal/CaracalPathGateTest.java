package dev.caracal.http.jetty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gate while Caracal's context is there without its servlets, as between the registration of Caracal's servlet
 * context and of its health servlet: Caracal's paths the root context does not map (only its default servlet would,
 * with a 404) are a 503 with {@code Retry-After: 1}; mapped paths and other paths pass through.
 */
class CaracalPathGateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    Server server;
    ServletContextHandler root;
    int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        server.setErrorHandler(new CaracalErrorHandler());
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        server.addConnector(connector);
        root = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        root.setContextPath("/");
        root.addServlet(new ServletHolder(new Answering("api")), "/api/*");
        root.addServlet(new ServletHolder(new Answering("default")), "/"); // as Pax Web's Default404Servlet
        server.setHandler(new ContextHandlerCollection(root));
        server.insertHandler(new CaracalPathGate());
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void unmappedCaracalPathsAre503UntilTheirServletComes() throws Exception {
        for (String path : new String[] {"/readyz", "/healthz", "/v1/models"}) {
            JettyErrorAnswersTest.Answer answer = get(path, "");
            assertEquals(503, answer.status(), path + " " + answer);
            assertEquals("1", answer.headers().get("retry-after"), path);
            assertFalse(answer.body().contains("<"), answer.body());
        }
        assertEquals(
                "urn:caracal:problem:unavailable",
                JSON.readTree(get("/readyz", "").body()).get("type").asText());
        assertEquals(
                "server_error",
                JSON.readTree(get("/v1/models", "").body())
                        .get("error")
                        .get("type")
                        .asText());
        assertEquals(
                "overloaded_error",
                JSON.readTree(get("/v1/models", "anthropic-version: 2023-06-01\r\n")
                                .body())
                        .get("error")
                        .get("type")
                        .asText());

        root.addServlet(new ServletHolder(new Answering("health")), "/readyz");
        JettyErrorAnswersTest.Answer ready = get("/readyz", "");
        assertEquals(200, ready.status());
        assertEquals("health", ready.body());
    }

    @Test
    void mappedAndOtherPathsPassThrough() throws Exception {
        assertEquals("api", get("/api/v1/collections", "").body());
        JettyErrorAnswersTest.Answer other = get("/favicon.ico", "");
        assertEquals(200, other.status());
        assertEquals("default", other.body());
        assertTrue(other.headers().get("retry-after") == null);
    }

    @Test
    void anotherApplicationsContextOnACaracalPathIsLeftAlone() throws Exception {
        ServletContextHandler other = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        other.setContextPath("/v1");
        other.addServlet(new ServletHolder(new Answering("other app")), "/*");
        ((ContextHandlerCollection) ((CaracalPathGate) server.getHandler()).getHandler()).addHandler(other);
        other.start();
        assertEquals("other app", get("/v1/models", "").body());
        assertEquals(503, get("/readyz", "").status());
    }

    private JettyErrorAnswersTest.Answer get(String path, String headers) throws IOException {
        return JettyErrorAnswersTest.exchange(
                port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n\r\n");
    }

    /** A servlet answering 200 with a fixed text. */
    static final class Answering extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String text;

        Answering(String text) {
            this.text = text;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(200);
            resp.getWriter().write(text);
        }
    }
}
