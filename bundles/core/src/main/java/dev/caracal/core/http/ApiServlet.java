package dev.caracal.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of Caracal's JSON API servlets: every failure becomes an {@code application/problem+json} answer, never a
 * stack trace; unexpected exceptions are logged and answered 500 with an incident id. Subclasses map their own
 * exceptions with {@link #toProblem(RuntimeException)}.
 */
public abstract class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    /** Used when no {@link HttpSettings} is available. */
    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        try {
            switch (req.getMethod()) {
                case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS" -> super.service(req, resp);
                default -> methodNotAllowed(req);
            }
        } catch (ProblemException e) {
            writeProblem(resp, e.problem());
        } catch (RuntimeException e) {
            Problem p = toProblem(e);
            if (p == null) {
                String incident = Long.toHexString(System.nanoTime());
                LOG.error(
                        "unexpected failure on {} {} (incident {})", req.getMethod(), req.getRequestURI(), incident, e);
                p = Problem.of(
                                500,
                                "internal",
                                "Internal error",
                                "the server failed unexpectedly; see the log for incident " + incident)
                        .with("incident", incident);
            }
            writeProblem(resp, p);
        }
    }

    /** Maps a domain exception to a problem, or returns null when it is unexpected. */
    protected Problem toProblem(RuntimeException e) {
        return null;
    }

    /** The body size limit for this servlet. */
    protected long maxBodyBytes() {
        return DEFAULT_MAX_BODY;
    }

    protected JsonNode readJson(HttpServletRequest req) throws IOException {
        return BodyReader.readJsonObject(req, maxBodyBytes());
    }

    public static void writeJson(HttpServletResponse resp, int status, Object body) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.setStatus(status);
        resp.setContentType(CaracalHttp.JSON);
        resp.setCharacterEncoding("UTF-8");
        Json.mapper().writeValue(resp.getOutputStream(), body);
    }

    public static void writeProblem(HttpServletResponse resp, Problem problem) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        resp.setStatus(problem.status());
        resp.setContentType(CaracalHttp.PROBLEM_JSON);
        resp.setCharacterEncoding("UTF-8");
        Json.mapper().writeValue(resp.getOutputStream(), problem.toJson());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        methodNotAllowed(req);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        methodNotAllowed(req);
    }

    @Override
    protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        methodNotAllowed(req);
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        methodNotAllowed(req);
    }

    protected static void methodNotAllowed(HttpServletRequest req) {
        throw new ProblemException(Problem.of(
                405,
                "method-not-allowed",
                "Method not allowed",
                req.getMethod() + " is not supported on " + req.getRequestURI()));
    }
}
