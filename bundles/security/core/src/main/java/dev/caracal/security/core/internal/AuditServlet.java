package dev.caracal.security.core.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.http.ApiServlet;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.ProblemException;
import dev.caracal.core.http.QueryParameters;
import dev.caracal.core.json.Json;
import dev.caracal.security.AuditLog;
import dev.caracal.security.AuditQuery;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code GET /api/v1/audit} (admin keys only): the audit log, newest first, filtered by {@code from} and {@code to}
 * (ISO-8601 times), {@code actor} (contains), {@code action} ({@code key} matches {@code key.create}...),
 * {@code tenant}, and at most {@code limit} entries (default 100). Read-only: nothing changes or removes an entry.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/v1/audit",
            "osgi.http.whiteboard.servlet.name=caracal-security-audit",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class AuditServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final Set<String> PARAMETERS = Set.of("from", "to", "actor", "action", "tenant", "limit");

    @Reference
    private transient AuditLog audit;

    /** For SCR. */
    public AuditServlet() {}

    AuditServlet(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, String> q = QueryParameters.parse(req.getQueryString(), PARAMETERS);
        int limit = 100;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
                throw ProblemException.badField(
                        "limit", "limit must be a whole number from 1 to " + AuditQuery.MAX_LIMIT);
            }
        }
        AuditQuery query = new AuditQuery(
                time(q.get("from"), "from"),
                time(q.get("to"), "to"),
                blankToNull(q.get("actor")),
                blankToNull(q.get("action")),
                blankToNull(q.get("tenant")),
                limit);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode list = out.putArray("entries");
        audit.query(query).forEach(e -> list.add(SecurityJson.audit(e)));
        writeJson(resp, 200, out);
    }

    private static Instant time(String s, String field) {
        return s == null || s.isBlank() ? null : SecurityJson.parseTime(s, field);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
