package dev.caracal.security.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.core.http.QueryParameters;
import dev.caracal.core.json.Json;
import dev.caracal.security.ApiKey;
import dev.caracal.security.Grants;
import dev.caracal.security.KeyRequest;
import dev.caracal.security.NewKey;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import dev.caracal.security.SecurityAdmin;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /api/v1/keys} (admin keys only): {@code POST {"name","tenant","role","expiresAt"?,"collections"?,
 * "models"?}} creates a key and answers 201 with its secret in {@code "key"}, the only time it is shown; {@code GET}
 * lists keys (of the tenant named with {@code x-caracal-tenant} or {@code ?tenant=}, else of every tenant), never
 * their secrets; {@code GET /{id}} shows one; {@code POST /{id}/rotate {"graceMinutes"?}} replaces it (201, the new
 * secret); {@code DELETE /{id}} revokes it.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/v1/keys",
            "osgi.http.whiteboard.servlet.pattern=/api/v1/keys/*",
            "osgi.http.whiteboard.servlet.name=caracal-security-keys",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class KeysServlet extends AdminServlet {
    private static final long serialVersionUID = 1L;
    private static final Set<String> CREATE_FIELDS =
            Set.of("name", "tenant", "role", "expiresAt", "collections", "models");

    @Reference
    private transient SecurityAdmin admin;

    /** For SCR. */
    public KeysServlet() {}

    KeysServlet(SecurityAdmin admin) {
        this.admin = admin;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        QueryParameters.parse(req.getQueryString(), Set.of());
        String[] path = segments(req);
        Instant now = Instant.now();
        if (path.length == 0) {
            boolean named =
                    req.getHeader(Guard.TENANT_HEADER) != null || Guard.queryTenant(req.getQueryString()) != null;
            ObjectNode out = Json.mapper().createObjectNode();
            ArrayNode list = out.putArray("keys");
            admin.keys(named ? Principal.of(req).tenant() : null).forEach(k -> list.add(SecurityJson.key(k, now)));
            writeJson(resp, 200, out);
        } else if (path.length == 1) {
            writeJson(resp, 200, SecurityJson.key(find(path[0]), now));
        } else {
            throw notFound();
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        QueryParameters.parse(req.getQueryString(), Set.of());
        String[] path = segments(req);
        Principal actor = Principal.of(req);
        if (path.length == 0) {
            JsonNode body = readJson(req);
            SecurityJson.onlyFields(body, CREATE_FIELDS);
            String roleName = SecurityJson.text(body, "role");
            if (roleName == null) {
                throw ProblemException.badField("role", "a key needs a role: admin, writer or reader");
            }
            Role role;
            try {
                role = Role.parse(roleName);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badField("role", e.getMessage());
            }
            String tenant = SecurityJson.text(body, "tenant");
            KeyRequest request = new KeyRequest(
                    SecurityJson.text(body, "name"),
                    tenant == null ? actor.tenant() : tenant,
                    role,
                    SecurityJson.time(body, "expiresAt"),
                    new Grants(SecurityJson.names(body, "collections"), SecurityJson.names(body, "models")));
            created(resp, admin.createKey(request, actor));
        } else if (path.length == 2 && path[1].equals("rotate")) {
            Duration grace = null;
            if (req.getContentLengthLong() != 0) {
                JsonNode body = readJson(req);
                SecurityJson.onlyFields(body, Set.of("graceMinutes"));
                JsonNode g = body.get("graceMinutes");
                if (g != null && !g.isNull()) {
                    if (!g.canConvertToLong() || g.asLong() < 0 || g.asLong() > 525_600) {
                        throw ProblemException.badField(
                                "graceMinutes", "graceMinutes must be a whole number of minutes from 0 to 525600");
                    }
                    grace = Duration.ofMinutes(g.asLong());
                }
            }
            created(resp, admin.rotateKey(path[0], grace, actor));
        } else {
            throw notFound();
        }
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        QueryParameters.parse(req.getQueryString(), Set.of());
        String[] path = segments(req);
        if (path.length != 1) {
            methodNotAllowed(req);
        }
        ApiKey revoked = admin.revokeKey(path[0], Principal.of(req));
        writeJson(resp, 200, SecurityJson.key(revoked, Instant.now()));
    }

    private void created(HttpServletResponse resp, NewKey k) throws IOException {
        ObjectNode out = SecurityJson.key(k.key(), Instant.now());
        out.put("key", k.secret());
        resp.setHeader("Location", "/api/v1/keys/" + k.key().id());
        resp.setHeader("Cache-Control", "no-store");
        writeJson(resp, 201, out);
    }

    private ApiKey find(String id) {
        return admin.key(id)
                .orElseThrow(() -> new ProblemException(
                        Problem.of(404, "not-found", "Not found", "no key with id '" + TenantsServlet.clip(id) + "'")));
    }

    private static ProblemException notFound() {
        return new ProblemException(Problem.of(404, "not-found", "Not found", "no such resource"));
    }
}
