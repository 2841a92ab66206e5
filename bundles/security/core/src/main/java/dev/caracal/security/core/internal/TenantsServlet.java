package dev.caracal.security.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.core.http.QueryParameters;
import dev.caracal.core.json.Json;
import dev.caracal.security.Principal;
import dev.caracal.security.SecurityAdmin;
import dev.caracal.security.Tenant;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /api/v1/tenants} (admin keys only, as the guard enforces): {@code POST {"name"}} creates a tenant (201),
 * {@code GET} lists them, {@code GET /{name}} shows one, {@code DELETE /{name}} deletes it (204; 409 while it owns
 * collections or other data, unless {@code ?force=true}, which deletes them too).
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/v1/tenants",
            "osgi.http.whiteboard.servlet.pattern=/api/v1/tenants/*",
            "osgi.http.whiteboard.servlet.name=caracal-security-tenants",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class TenantsServlet extends AdminServlet {
    private static final long serialVersionUID = 1L;

    @Reference
    private transient SecurityAdmin admin;

    /** For SCR. */
    public TenantsServlet() {}

    TenantsServlet(SecurityAdmin admin) {
        this.admin = admin;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        QueryParameters.parse(req.getQueryString(), Set.of());
        String name = name(req);
        if (name == null) {
            ObjectNode out = Json.mapper().createObjectNode();
            ArrayNode list = out.putArray("tenants");
            admin.tenants().forEach(t -> list.add(SecurityJson.tenant(t)));
            writeJson(resp, 200, out);
            return;
        }
        Tenant t = admin.tenant(name).orElseThrow(() -> notFound(name));
        writeJson(resp, 200, SecurityJson.tenant(t));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (name(req) != null) {
            methodNotAllowed(req);
        }
        QueryParameters.parse(req.getQueryString(), Set.of());
        JsonNode body = readJson(req);
        SecurityJson.onlyFields(body, Set.of("name"));
        String name = SecurityJson.text(body, "name");
        if (name == null) {
            throw ProblemException.badField("name", "a tenant needs a name");
        }
        Tenant t = admin.createTenant(name, Principal.of(req));
        resp.setHeader("Location", "/api/v1/tenants/" + t.name());
        writeJson(resp, 201, SecurityJson.tenant(t));
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String name = name(req);
        if (name == null) {
            methodNotAllowed(req);
        }
        Map<String, String> q = QueryParameters.parse(req.getQueryString(), Set.of("force"));
        String force = q.getOrDefault("force", "false");
        if (!force.equals("true") && !force.equals("false")) {
            throw ProblemException.badField("force", "force must be true or false");
        }
        admin.deleteTenant(name, force.equals("true"), Principal.of(req));
        resp.setStatus(204);
    }

    private static String name(HttpServletRequest req) {
        String[] segments = segments(req);
        if (segments.length == 0) {
            return null;
        }
        if (segments.length > 1) {
            throw new ProblemException(Problem.of(404, "not-found", "Not found", "no such resource"));
        }
        return segments[0];
    }

    private static ProblemException notFound(String name) {
        return new ProblemException(Problem.of(404, "not-found", "Not found", "no tenant named '" + clip(name) + "'"));
    }

    static String clip(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
