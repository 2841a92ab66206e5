package dev.caracal.security.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /api/v1/tenants, /api/v1/keys and /api/v1/audit over real HTTP behind the guard, as an admin uses them. */
class AdminApiTest {
    static final String ADMIN = "ck_admin_api_test_0123456789";
    static final String[] AUTH = {"Authorization", "Bearer " + ADMIN};

    @TempDir
    Path dir;

    SecurityFixture f;
    GuardedServer server;

    @BeforeEach
    void start() throws Exception {
        f = new SecurityFixture(dir).open(Map.of("CARACAL_ADMIN_KEY", ADMIN), SecurityConfigValues.defaults());
        server = new GuardedServer(f);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        f.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    @Test
    void anAdminCreatesATenantAndAKeyWhoseSecretIsShownOnceAndWorks() throws Exception {
        HttpResponse<String> tenant = server.postJson("/api/v1/tenants", "{\"name\":\"acme\"}", AUTH);
        assertEquals(201, tenant.statusCode(), tenant.body());
        assertEquals(
                409,
                server.postJson("/api/v1/tenants", "{\"name\":\"acme\"}", AUTH).statusCode());

        HttpResponse<String> created = server.postJson(
                "/api/v1/keys",
                "{\"name\":\"ci\",\"tenant\":\"acme\",\"role\":\"writer\",\"collections\":[\"docs\"],"
                        + "\"expiresAt\":\"2030-01-01T00:00:00Z\"}",
                AUTH);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("no-store", created.headers().firstValue("Cache-Control").orElseThrow());
        JsonNode k = json(created);
        String secret = k.get("key").asText();
        String id = k.get("id").asText();
        assertTrue(secret.startsWith("ck_"));
        assertEquals("writer", k.get("role").asText());
        assertEquals("[\"docs\"]", k.get("collections").toString());
        assertEquals(
                "acme writer ci", server.get("/anything", "x-api-key", secret).body());

        HttpResponse<String> list = server.get("/api/v1/keys", AUTH);
        assertFalse(list.body().contains(secret), "a listing never shows a secret");
        assertFalse(list.body().contains(secret.substring(11)), list.body());
        assertTrue(list.body().contains(secret.substring(0, 11) + "..."), "but its prefix, to recognize it");
        assertEquals(
                1,
                json(server.get("/api/v1/keys?tenant=acme", AUTH)).get("keys").size());
        assertEquals(2, json(list).get("keys").size());
        assertFalse(server.get("/api/v1/keys/" + id, AUTH).body().contains(secret));
    }

    @Test
    void rotatingAndRevokingAKeyOverHttp() throws Exception {
        JsonNode k = json(
                server.postJson("/api/v1/keys", "{\"name\":\"svc\",\"tenant\":\"default\",\"role\":\"reader\"}", AUTH));
        String oldSecret = k.get("key").asText();
        HttpResponse<String> rotated =
                server.postJson("/api/v1/keys/" + k.get("id").asText() + "/rotate", "{\"graceMinutes\":5}", AUTH);
        assertEquals(201, rotated.statusCode(), rotated.body());
        String newSecret = json(rotated).get("key").asText();
        assertEquals(200, server.get("/x", "x-api-key", oldSecret).statusCode(), "the old key works in its grace");
        f.clock.advance(Duration.ofMinutes(6));
        assertEquals(401, server.get("/x", "x-api-key", oldSecret).statusCode());
        assertEquals(200, server.get("/x", "x-api-key", newSecret).statusCode());

        String newId = json(rotated).get("id").asText();
        HttpResponse<String> revoked =
                server.send(server.request("/api/v1/keys/" + newId).DELETE().headers(AUTH));
        assertEquals(200, revoked.statusCode());
        assertEquals("revoked", json(revoked).get("state").asText());
        assertEquals(401, server.get("/x", "x-api-key", newSecret).statusCode());
        assertEquals(
                404,
                server.send(server.request("/api/v1/keys/key_nope").DELETE().headers(AUTH))
                        .statusCode());
    }

    @Test
    void badRequestsNameTheirField() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"name\":\"x\",\"tenant\":\"default\",\"role\":\"owner\"}", "role",
                "{\"name\":\"x\",\"tenant\":\"default\"}", "role",
                "{\"name\":\"x\",\"tenant\":\"nope\",\"role\":\"reader\"}", "tenant",
                "{\"name\":\"x\",\"role\":\"reader\",\"expiresAt\":\"tomorrow\"}", "expiresAt",
                "{\"name\":\"x\",\"role\":\"reader\",\"collections\":\"docs\"}", "collections",
                "{\"name\":\"x\",\"role\":\"reader\",\"scopes\":[]}", "scopes");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = server.postJson("/api/v1/keys", c.getKey(), AUTH);
            assertEquals(400, r.statusCode(), c.getKey());
            assertEquals(c.getValue(), json(r).get("field").asText(), r.body());
        }
        HttpResponse<String> badTenant = server.postJson("/api/v1/tenants", "{\"name\":\"../etc\"}", AUTH);
        assertEquals(400, badTenant.statusCode());
        assertEquals("name", json(badTenant).get("field").asText());
        assertEquals(400, server.get("/api/v1/audit?limit=0", AUTH).statusCode());
        assertEquals(400, server.get("/api/v1/audit?from=yesterday", AUTH).statusCode());
        assertEquals(400, server.get("/api/v1/keys?page=2", AUTH).statusCode());
    }

    @Test
    void destructiveRequestsAndAdminActionsAreAuditedWithActorTenantAndOutcome() throws Exception {
        server.postJson("/api/v1/tenants", "{\"name\":\"acme\"}", AUTH);
        server.send(
                server.request("/api/v1/collections/docs?tenant=acme").DELETE().headers(AUTH));
        server.send(server.request("/api/v1/tenants/acme").DELETE().headers(AUTH));
        JsonNode entries = json(server.get("/api/v1/audit?limit=10", AUTH)).get("entries");
        assertEquals("tenant.delete", entries.get(0).get("action").asText());
        JsonNode drop = entries.get(1);
        assertEquals("collection.drop", drop.get("action").asText());
        assertEquals("acme", drop.get("tenant").asText());
        assertEquals("collection docs", drop.get("target").asText());
        assertEquals("ok", drop.get("outcome").asText());
        assertTrue(drop.get("actor").asText().startsWith("admin (CARACAL_ADMIN_KEY) (key_"), drop.toString());
        assertEquals(
                1,
                json(server.get("/api/v1/audit?action=collection", AUTH))
                        .get("entries")
                        .size());
        assertEquals(
                405,
                server.send(server.request("/api/v1/audit").DELETE().headers(AUTH))
                        .statusCode(),
                "the audit log is append-only");
    }
}
