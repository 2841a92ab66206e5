package dev.caracal.security.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.core.json.Json;
import dev.caracal.security.ApiKey;
import dev.caracal.security.AuditEvent;
import dev.caracal.security.SecurityAdminException;
import dev.caracal.security.Tenant;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/** The JSON of the admin surfaces: tenants, keys and audit entries out; request fields in, each checked by name. */
final class SecurityJson {
    private SecurityJson() {}

    static ObjectNode tenant(Tenant t) {
        return Json.mapper()
                .createObjectNode()
                .put("name", t.name())
                .put("createdAt", t.createdAt().toString());
    }

    static ObjectNode key(ApiKey k, Instant now) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", k.id())
                .put("name", k.name())
                .put("tenant", k.tenant())
                .put("role", k.role().id())
                .put("prefix", k.prefix())
                .put("state", k.state(now))
                .put("createdAt", k.createdAt().toString());
        putTime(o, "lastUsedAt", k.lastUsedAt());
        putTime(o, "expiresAt", k.expiresAt());
        putTime(o, "revokedAt", k.revokedAt());
        if (k.rotatedTo() != null) {
            o.put("rotatedTo", k.rotatedTo());
        }
        ArrayNode c = o.putArray("collections");
        new TreeSet<>(k.grants().collections()).forEach(c::add);
        ArrayNode m = o.putArray("models");
        new TreeSet<>(k.grants().models()).forEach(m::add);
        return o;
    }

    static ObjectNode audit(AuditEvent e) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", e.id())
                .put("time", e.time().toString())
                .put("actor", e.actor())
                .put("tenant", e.tenant())
                .put("action", e.action())
                .put("target", e.target())
                .put("outcome", e.outcome());
        if (e.detail() != null) {
            o.put("detail", e.detail());
        }
        return o;
    }

    private static void putTime(ObjectNode o, String name, Instant t) {
        if (t != null) {
            o.put(name, t.toString());
        }
    }

    /** Refuses a body member that is not in {@code accepted}: nothing a client sends is dropped unread. */
    static void onlyFields(JsonNode body, Set<String> accepted) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!accepted.contains(f)) {
                throw ProblemException.badField(f, "unknown field '" + f + "'; accepted: " + new TreeSet<>(accepted));
            }
        }
    }

    /** A string member, or {@code null} when absent or null; 400 when of another type. */
    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ProblemException.badField(field, field + " must be a string");
        }
        return n.asText();
    }

    /** An instant member (ISO-8601, e.g. {@code 2027-01-31T00:00:00Z}), or {@code null}. */
    static Instant time(JsonNode body, String field) {
        String s = text(body, field);
        return s == null ? null : parseTime(s, field);
    }

    static Instant parseTime(String s, String field) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw ProblemException.badField(
                    field, field + " must be an ISO-8601 time in UTC such as 2027-01-31T00:00:00Z");
        }
    }

    /** An array of non-empty strings, or an empty set when absent. */
    static Set<String> names(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Set.of();
        }
        if (!n.isArray()) {
            throw ProblemException.badField(field, field + " must be an array of names");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isBlank() || e.asText().length() > 200) {
                throw ProblemException.badField(field, field + " must hold names (strings of 1 to 200 characters)");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** The problem for a refused admin operation. */
    static Problem problem(SecurityAdminException e) {
        Problem p = switch (e.kind()) {
            case INVALID -> Problem.badField(e.field(), e.getMessage());
            case NOT_FOUND -> Problem.of(404, "not-found", "Not found", e.getMessage());
            case CONFLICT -> Problem.of(409, "conflict", "Conflict", e.getMessage());
        };
        return e.field() == null || e.kind() == SecurityAdminException.Kind.INVALID ? p : p.with("field", e.field());
    }
}
