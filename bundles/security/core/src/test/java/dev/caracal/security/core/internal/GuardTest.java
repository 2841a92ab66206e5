package dev.caracal.security.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.security.Grants;
import dev.caracal.security.KeyRequest;
import dev.caracal.security.NewKey;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard over real HTTP: who gets in, as whom, in which tenant, and how every refusal is shaped. */
class GuardTest {
    static final String ADMIN_KEY = "ck_guard_test_admin_0123456789";

    @TempDir
    Path dir;

    SecurityFixture f;
    GuardedServer server;

    void start(SecurityConfigValues config) throws Exception {
        f = new SecurityFixture(dir).open(Map.of("CARACAL_ADMIN_KEY", ADMIN_KEY), config);
        server = new GuardedServer(f);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        f.close();
    }

    NewKey key(String tenant, Role role) {
        return f.admin.createKey(new KeyRequest("k", tenant, role, null, Grants.ALL), Principal.OPERATOR);
    }

    static String bearer(String key) {
        return "Bearer " + key;
    }

    @Test
    void aMissingKeyIs401InTheShapeOfTheSurfaceAndHealthNeedsNone() throws Exception {
        start(SecurityConfigValues.defaults());
        HttpResponse<String> api = server.get("/api/v1/collections");
        assertEquals(401, api.statusCode());
        assertEquals(
                "application/problem+json",
                api.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
        assertTrue(api.body().contains("an API key is required"), api.body());
        assertEquals(
                "Bearer realm=\"caracal\"",
                api.headers().firstValue("WWW-Authenticate").orElseThrow());
        HttpResponse<String> openai = server.postJson("/v1/chat/completions", "{}");
        assertEquals(401, openai.statusCode());
        assertTrue(openai.body().contains("\"error\":{\"message\""), openai.body());
        HttpResponse<String> anthropic = server.postJson("/v1/messages", "{}");
        assertEquals(401, anthropic.statusCode());
        assertTrue(anthropic.body().contains("\"type\":\"authentication_error\""), anthropic.body());
        assertEquals(200, server.get("/healthz").statusCode());
        assertEquals(200, server.get("/readyz").statusCode());
    }

    @Test
    void theKeyIsTakenFromEachHeaderClientsUse() throws Exception {
        start(SecurityConfigValues.defaults());
        for (String[] h : new String[][] {
            {"Authorization", bearer(ADMIN_KEY)},
            {"authorization", "bearer " + ADMIN_KEY},
            {"x-api-key", ADMIN_KEY},
            {"api-key", ADMIN_KEY}
        }) {
            HttpResponse<String> r = server.get("/api/v1/collections", h);
            assertEquals(200, r.statusCode(), h[0] + ": " + r.body());
            assertEquals("default admin admin (CARACAL_ADMIN_KEY)", r.body());
        }
        HttpResponse<String> both =
                server.get("/api/v1/collections", "Authorization", bearer(ADMIN_KEY), "x-api-key", "ck_other");
        assertEquals(401, both.statusCode());
        assertTrue(both.body().contains("different keys"), both.body());
    }

    @Test
    void malformedUnknownRevokedExpiredAndRotatedOutKeysAreRefusedByName() throws Exception {
        start(SecurityConfigValues.defaults().withFailedAuthPerMinute(0));
        NewKey revoked = key("default", Role.WRITER);
        f.admin.revokeKey(revoked.key().id(), Principal.OPERATOR);
        NewKey expiring = f.admin.createKey(
                new KeyRequest("e", "default", Role.WRITER, f.clock.instant().plusSeconds(5), null),
                Principal.OPERATOR);
        NewKey rotated = key("default", Role.WRITER);
        f.admin.rotateKey(rotated.key().id(), Duration.ofMinutes(1), Principal.OPERATOR);
        assertEquals(
                200,
                server.get("/api/v1/collections", "x-api-key", rotated.secret()).statusCode());
        f.clock.advance(Duration.ofMinutes(2));
        Map<String, String[]> cases = Map.of(
                "Basic scheme", new String[] {"Authorization", "Basic a2FyYWY6a2FyYWY="},
                "is empty", new String[] {"Authorization", "Bearer "},
                "malformed", new String[] {"x-api-key", "ck_bad key"},
                "not valid", new String[] {"x-api-key", "ck_never_issued_0123456789"},
                "was revoked", new String[] {"x-api-key", revoked.secret()},
                "expired", new String[] {"x-api-key", expiring.secret()},
                "grace period ended", new String[] {"x-api-key", rotated.secret()});
        cases.forEach((expected, header) -> {
            try {
                HttpResponse<String> r = server.get("/api/v1/collections", header);
                assertEquals(401, r.statusCode(), expected);
                assertTrue(r.body().contains(expected.equals("Basic scheme") ? "'basic' scheme" : expected), r.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aReaderReadsAndSearchesButCannotWriteOrAdminister() throws Exception {
        start(SecurityConfigValues.defaults());
        NewKey reader = key("default", Role.READER);
        String[] auth = {"x-api-key", reader.secret()};
        assertEquals(200, server.get("/api/v1/collections/docs", auth).statusCode());
        assertEquals(
                200,
                server.postJson("/api/v1/collections/docs/search", "{}", auth).statusCode());
        assertEquals(200, server.postJson("/v1/chat/completions", "{}", auth).statusCode());
        assertEquals(200, server.postJson("/v1/responses", "{}", auth).statusCode(), "a stored conversation too");
        HttpResponse<String> deleteStored =
                server.send(server.request("/v1/responses/resp_1").DELETE().headers(auth));
        assertEquals(403, deleteStored.statusCode(), "deleting one is a write");
        assertTrue(deleteStored.body().contains("a reader key cannot change data"), deleteStored.body());
        HttpResponse<String> write = server.postJson("/api/v1/collections", "{}", auth);
        assertEquals(403, write.statusCode());
        assertTrue(write.body().contains("a reader key cannot change data"), write.body());
        assertEquals(
                403,
                server.send(server.request("/api/v1/collections/docs").DELETE().headers(auth))
                        .statusCode());
        HttpResponse<String> keys = server.get("/api/v1/keys", auth);
        assertEquals(403, keys.statusCode());
        NewKey writer = key("default", Role.WRITER);
        assertEquals(
                403, server.get("/api/v1/audit", "x-api-key", writer.secret()).statusCode());
        assertEquals(
                200,
                server.postJson("/api/v1/collections", "{}", "x-api-key", writer.secret())
                        .statusCode());
        assertEquals(
                200,
                server.send(server.request("/v1/responses/resp_1").DELETE().headers("x-api-key", writer.secret()))
                        .statusCode());
    }

    @Test
    void anAdminActsInATenantByNamingItOthersCannot() throws Exception {
        start(SecurityConfigValues.defaults());
        f.admin.createTenant("acme", Principal.OPERATOR);
        NewKey acme = key("acme", Role.WRITER);
        assertEquals(
                "acme writer k",
                server.get("/api/v1/collections", "x-api-key", acme.secret()).body());
        assertEquals(
                "acme admin admin (CARACAL_ADMIN_KEY)",
                server.get("/api/v1/collections", "x-api-key", ADMIN_KEY, Guard.TENANT_HEADER, "acme")
                        .body());
        assertEquals(
                "acme admin admin (CARACAL_ADMIN_KEY)",
                server.get("/api/v1/collections?tenant=acme", "x-api-key", ADMIN_KEY)
                        .body());
        HttpResponse<String> missing = server.get("/api/v1/collections?tenant=nope", "x-api-key", ADMIN_KEY);
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("no tenant named 'nope'"), missing.body());
        HttpResponse<String> other =
                server.get("/api/v1/collections", "x-api-key", acme.secret(), Guard.TENANT_HEADER, "default");
        assertEquals(403, other.statusCode());
        assertEquals(
                "acme writer k",
                server.get("/api/v1/collections?tenant=acme", "x-api-key", acme.secret())
                        .body(),
                "naming its own tenant is fine");
    }

    @Test
    void browserRequestsThatChangeStateNeedTheirDocumentedTypeAndAKnownOrigin() throws Exception {
        start(SecurityConfigValues.defaults().withCors("https://app.example.com"));
        String[] auth = {"x-api-key", ADMIN_KEY};
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
            HttpResponse<String> r = server.send(server.request("/v1/chat/completions")
                    .header("Content-Type", type)
                    .headers(auth)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(415, r.statusCode(), type);
            assertTrue(r.body().contains("application/json"), r.body());
        }
        HttpResponse<String> upload = server.send(server.request("/api/v1/collections/docs/documents")
                .header("Content-Type", "text/markdown")
                .headers(auth)
                .POST(HttpRequest.BodyPublishers.ofString("# hi")));
        assertEquals(200, upload.statusCode(), "document uploads take their parsers' types");
        assertEquals(
                200,
                server.send(server.request("/api/v1/collections/docs/index/rebuild")
                                .headers(auth)
                                .POST(HttpRequest.BodyPublishers.noBody()))
                        .statusCode(),
                "a POST without a body needs no type");

        HttpResponse<String> evil =
                server.postJson("/api/v1/collections", "{}", "Origin", "https://evil.example", "x-api-key", ADMIN_KEY);
        assertEquals(403, evil.statusCode());
        assertTrue(evil.body().contains("cross-origin"), evil.body());
        HttpResponse<String> preflight = server.send(server.request("/v1/chat/completions")
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, preflight.statusCode());
        assertEquals(
                "https://app.example.com",
                preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        HttpResponse<String> allowed = server.postJson(
                "/v1/chat/completions", "{}", "Origin", "https://app.example.com", "x-api-key", ADMIN_KEY);
        assertEquals(200, allowed.statusCode());
        assertEquals(
                "https://app.example.com",
                allowed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void withAuthenticationOffEveryoneIsAdminButOnlyOnThisMachinesNames() throws Exception {
        start(SecurityConfigValues.defaults().withAuthentication(false));
        assertEquals(
                "default admin anonymous (authentication off)",
                server.get("/api/v1/collections").body());
        String rebound = rawGet("/api/v1/collections", "attacker.example:8181");
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(rebound.contains("allowedHosts"), rebound);
        assertTrue(rawGet("/api/v1/collections", "localhost:" + server.port).startsWith("HTTP/1.1 200"));
    }

    /** A GET with a Host header of our choosing (the JDK's client will not send one). */
    String rawGet(String path, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port)) {
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void rateLimitsRefuseWith429AndTheHeadersEachSdkReads() throws Exception {
        start(SecurityConfigValues.defaults().withLimits(2, 0, 0));
        String[] auth = {"Authorization", bearer(ADMIN_KEY)};
        HttpResponse<String> first = server.postJson("/v1/chat/completions", "{}", auth);
        assertEquals(
                "2", first.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
        assertEquals(
                "1",
                first.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        server.postJson("/v1/chat/completions", "{}", auth);
        HttpResponse<String> refused = server.postJson("/v1/chat/completions", "{}", auth);
        assertEquals(429, refused.statusCode());
        assertNotNull(refused.headers().firstValue("retry-after").orElse(null));
        assertTrue(refused.body().contains("rate_limit") || refused.body().contains("rate-limited"), refused.body());
        HttpResponse<String> anthropic =
                server.postJson("/v1/messages", "{}", "x-api-key", ADMIN_KEY, "anthropic-version", "2023-06-01");
        assertEquals(429, anthropic.statusCode());
        assertTrue(anthropic.body().contains("\"type\":\"rate_limit_error\""), anthropic.body());
        assertEquals(
                "2",
                anthropic
                        .headers()
                        .firstValue("anthropic-ratelimit-requests-limit")
                        .orElseThrow());
        assertTrue(anthropic
                .headers()
                .firstValue("anthropic-ratelimit-requests-reset")
                .isPresent());
    }

    @Test
    void anAddressThatKeepsFailingIsHeldOffEvenWithTheRightKey() throws Exception {
        start(SecurityConfigValues.defaults().withFailedAuthPerMinute(3));
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    401,
                    server.get("/api/v1/collections", "x-api-key", "ck_guess_" + i)
                            .statusCode());
        }
        HttpResponse<String> held = server.get("/api/v1/collections", "x-api-key", ADMIN_KEY);
        assertEquals(429, held.statusCode());
        assertTrue(held.body().contains("failed authentications"), held.body());
        assertTrue(held.headers().firstValue("retry-after").isPresent());
    }
}
