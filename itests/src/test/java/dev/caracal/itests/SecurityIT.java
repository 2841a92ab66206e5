package dev.caracal.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;

/**
 * The security suite against the distribution. Every servlet path the HTTP runtime has registered in Caracal's
 * context, with every method, refuses a missing, malformed, unknown, revoked, expired and rotated-out key and serves a
 * valid one; a reader cannot write; rate limits, the failed-authentication limit and the browser refusals hold.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecurityIT extends CaracalTestSupport {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE");

    @Inject
    HttpServiceRuntime runtime;

    @Inject
    ConfigurationAdmin configAdmin;

    /** One concrete path per servlet pattern of Caracal's context (a wildcard becomes a name). */
    private Set<String> paths() {
        Set<String> paths = new LinkedHashSet<>();
        for (ServletContextDTO context : runtime.getRuntimeDTO().servletContextDTOs) {
            if (!"caracal".equals(context.name)) {
                continue;
            }
            for (ServletDTO servlet : context.servletDTOs) {
                for (String pattern : servlet.patterns) {
                    paths.add(pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 1) + "probe" : pattern);
                }
            }
        }
        assertTrue("Caracal's servlets: " + paths, paths.size() >= 10);
        return paths;
    }

    private String createKey(String role, String extra) throws Exception {
        Reply r = post(
                "/api/v1/keys",
                "{\"name\":\"suite-" + role + "\",\"tenant\":\"default\",\"role\":\"" + role + "\"" + extra + "}");
        assertEquals(r.toString(), 201, r.status());
        return r.json().get("key").asText();
    }

    private String keyId(String secret) throws Exception {
        for (JsonNode k : get("/api/v1/keys").json().get("keys")) {
            if (secret.startsWith(k.get("prefix").asText().replace("...", ""))) {
                return k.get("id").asText();
            }
        }
        throw new AssertionError("no key for " + secret.substring(0, 11));
    }

    @Test
    public void everyPathAndMethodRefusesEveryBadKeyAndServesAGoodOne() throws Exception {
        awaitReady();
        withFailedAuthLimit(0); // this test fails authentication on purpose, hundreds of times
        String revoked = createKey("writer", "");
        call("DELETE", "/api/v1/keys/" + keyId(revoked), null);
        String expiring = createKey(
                "writer", ",\"expiresAt\":\"" + java.time.Instant.now().plusSeconds(2) + "\"");
        String rotated = createKey("writer", "");
        Reply rotation = call("POST", "/api/v1/keys/" + keyId(rotated) + "/rotate", "{\"graceMinutes\":0}");
        assertEquals(rotation.toString(), 201, rotation.status());
        Thread.sleep(2_100);

        List<String[]> bad = List.of(
                new String[] {NO_AUTH, "x"},
                new String[] {"Authorization", "Basic a2FyYWY6a2FyYWY="},
                new String[] {"x-api-key", "ck_not a key"},
                new String[] {"x-api-key", "ck_never_issued_by_this_server_000000000000"},
                new String[] {"api-key", revoked},
                new String[] {"Authorization", "Bearer " + expiring},
                new String[] {"x-api-key", rotated});
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String path : paths()) {
            boolean health = path.equals("/healthz") || path.equals("/readyz");
            for (String method : METHODS) {
                for (String[] header : bad) {
                    Reply r = call(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}", header);
                    checked++;
                    if (health ? r.status() == 401 : r.status() != 401) {
                        failures.add(method + " " + path + " with " + header[0] + ": " + r);
                    }
                }
                Reply good = call(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}");
                if (good.status() == 401 || good.status() == 403) {
                    failures.add(method + " " + path + " with the admin key: " + good);
                }
            }
        }
        assertTrue(failures.size() + " of " + checked + ":\n" + String.join("\n", failures), failures.isEmpty());
    }

    @Test
    public void aReaderReadsAndSearchesButNoPathLetsItWrite() throws Exception {
        awaitReady();
        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"sec-read\",\"dimension\":2}")
                        .status());
        String reader = createKey("reader", "");
        String[] auth = {"x-api-key", reader};
        assertEquals(
                200, call("GET", "/api/v1/collections/sec-read", null, auth).status());
        assertEquals(
                200,
                call("POST", "/api/v1/collections/sec-read/search", "{\"vector\":[1,0],\"k\":1}", auth)
                        .status());
        List<String> failures = new ArrayList<>();
        for (String path : paths()) {
            if (path.startsWith("/v1") || path.equals("/healthz") || path.equals("/readyz")) {
                continue; // the gateway's calls change no stored state: open to every role
            }
            for (String method : List.of("POST", "PUT", "DELETE")) {
                Reply r = call(method, path, method.equals("DELETE") ? null : "{}", auth);
                if (r.status() != 403) {
                    failures.add(method + " " + path + ": " + r);
                }
            }
        }
        for (String path : List.of("/api/v1/collections/sec-read", "/api/v1/collections/sec-read/records")) {
            Reply r = call("PUT", path, "{\"records\":[{\"id\":\"a\",\"vector\":[1,0]}]}", auth);
            if (r.status() != 403) {
                failures.add("PUT " + path + ": " + r);
            }
        }
        assertTrue(String.join("\n", failures), failures.isEmpty());
        Reply forbidden = call("DELETE", "/api/v1/collections/sec-read", null, auth);
        assertTrue(forbidden.toString(), forbidden.body().contains("a reader key cannot change data"));
        assertEquals("still there", 200, get("/api/v1/collections/sec-read").status());
    }

    private String tenantKey(String tenant, String role) throws Exception {
        Reply t = post("/api/v1/tenants", "{\"name\":\"" + tenant + "\"}");
        assertTrue(t.toString(), t.status() == 201 || t.status() == 409);
        Reply r = post(
                "/api/v1/keys",
                "{\"name\":\"" + tenant + "-" + role + "\",\"tenant\":\"" + tenant + "\",\"role\":\"" + role + "\"}");
        assertEquals(r.toString(), 201, r.status());
        return r.json().get("key").asText();
    }

    @Test
    public void aTenantCanNeitherSeeNorChangeAnotherTenantsCollectionThroughAnyEndpoint() throws Exception {
        awaitReady();
        String[] a = {"x-api-key", tenantKey("iso-a", "writer")};
        String[] b = {"x-api-key", tenantKey("iso-b", "writer")};
        assertEquals(
                201,
                call("POST", "/api/v1/collections", "{\"name\":\"docs\",\"dimension\":2}", b)
                        .status());
        Reply put = call(
                "PUT",
                "/api/v1/collections/docs/records",
                "{\"records\":[{\"id\":\"secret\",\"vector\":[1,0],\"text\":\"b only\"}]}",
                b);
        assertEquals(put.toString(), 200, put.status());

        List<String[]> endpoints = List.of(
                new String[] {"GET", "/api/v1/collections/docs", null},
                new String[] {"POST", "/api/v1/collections/docs/search", "{\"vector\":[1,0],\"k\":1}"},
                new String[] {"GET", "/api/v1/collections/docs/records/secret", null},
                new String[] {
                    "PUT", "/api/v1/collections/docs/records", "{\"records\":[{\"id\":\"x\",\"vector\":[0,1]}]}"
                },
                new String[] {
                    "POST", "/api/v1/collections/docs/records", "{\"records\":[{\"id\":\"x\",\"vector\":[0,1]}]}"
                },
                new String[] {"DELETE", "/api/v1/collections/docs/records/secret", null},
                new String[] {"DELETE", "/api/v1/collections/docs/records", "{\"ids\":[\"secret\"]}"},
                new String[] {"PUT", "/api/v1/collections/docs/index", "{\"type\":\"flat\"}"},
                new String[] {"POST", "/api/v1/collections/docs/index/rebuild", null},
                new String[] {"DELETE", "/api/v1/collections/docs", null});
        List<String> failures = new ArrayList<>();
        for (String[] e : endpoints) {
            Reply r = call(e[0], e[1], e[2], a);
            if (r.status() != 404) {
                failures.add(e[0] + " " + e[1] + " as tenant a: " + r);
            }
        }
        Reply upload = upload(
                "/api/v1/collections/docs/documents?name=x.txt",
                "text/plain",
                "tenant a's text".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                a);
        if (upload.status() == 200 || upload.status() == 201) {
            // a created its own docs: that is fine, as long as b's is untouched (checked below)
            assertEquals(
                    404,
                    call("GET", "/api/v1/collections/docs/records/secret", null, a)
                            .status());
        }
        assertTrue(String.join("\n", failures), failures.isEmpty());
        assertFalse(call("GET", "/api/v1/collections", null, a).body().contains("secret"));

        // b's collection is exactly as b left it
        Reply mine = call("GET", "/api/v1/collections/docs/records/secret", null, b);
        assertEquals(mine.toString(), 200, mine.status());
        assertTrue(mine.body(), mine.body().contains("b only"));
        // names are per tenant: a may have its own docs
        Reply own = call("POST", "/api/v1/collections", "{\"name\":\"docs2\",\"dimension\":2}", a);
        assertEquals(own.toString(), 201, own.status());
        assertEquals(404, call("GET", "/api/v1/collections/docs2", null, b).status());
        // the admin reaches b's by naming the tenant; a writer cannot name another tenant
        assertEquals(
                200,
                call("GET", "/api/v1/collections/docs", null, "x-caracal-tenant", "iso-b")
                        .status());
        assertEquals(
                403,
                call("GET", "/api/v1/collections/docs", null, "x-caracal-tenant", "iso-b", a[0], a[1])
                        .status());
    }

    @Test
    public void rateLimitsAnswer429WithTheHeadersOfEachSdkFamily() throws Exception {
        awaitReady();
        String key = createKey("writer", "");
        update("keyRequestsPerMinute", 3);
        try {
            String[] auth = {"x-api-key", key};
            Reply first = call("GET", "/api/v1/collections", null, auth);
            assertEquals(first.toString(), 200, first.status());
            call("GET", "/api/v1/collections", null, auth);
            call("GET", "/api/v1/collections", null, auth);
            Reply refused = call("GET", "/api/v1/collections", null, auth);
            assertEquals(refused.toString(), 429, refused.status());
            Reply anthropic = call(
                    "POST",
                    "/v1/messages",
                    "{\"model\":\"x\",\"max_tokens\":1,\"messages\":[]}",
                    "x-api-key",
                    key,
                    "anthropic-version",
                    "2023-06-01");
            assertEquals(anthropic.toString(), 429, anthropic.status());
            assertTrue(anthropic.body(), anthropic.body().contains("rate_limit_error"));
            assertEquals(
                    "another key has its own bucket",
                    200,
                    get("/api/v1/collections").status());
        } finally {
            update("keyRequestsPerMinute", 0);
        }
    }

    @Test
    public void repeatedFailedAuthenticationsHoldTheAddressOff() throws Exception {
        awaitReady();
        withFailedAuthLimit(5);
        try {
            for (int i = 0; i < 5; i++) {
                assertEquals(
                        401,
                        call("GET", "/api/v1/collections", null, "x-api-key", "ck_guess_" + i)
                                .status());
            }
            Reply held = get("/api/v1/collections");
            assertEquals(held.toString(), 429, held.status());
        } finally {
            withFailedAuthLimit(0);
        }
        assertEquals(200, get("/api/v1/collections").status());
    }

    @Test
    public void browsersCannotPostFormsOrCallAcrossOrigins() throws Exception {
        awaitReady();
        Reply form = upload(
                "/v1/chat/completions",
                "text/plain",
                "{\"model\":\"x\",\"messages\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(form.toString(), 415, form.status());
        Reply created = upload(
                "/api/v1/collections",
                "application/x-www-form-urlencoded",
                "name=evil".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(created.toString(), 415, created.status());
        Reply cross = call("GET", "/api/v1/collections", null, "Origin", "https://evil.example");
        assertEquals(cross.toString(), 403, cross.status());
        assertNotEquals(404, get("/api/v1/collections").status());
        assertFalse(get("/api/v1/collections").body().contains("evil"));
    }

    private void withFailedAuthLimit(int perMinute) throws Exception {
        update("failedAuthPerMinute", perMinute);
    }

    private void update(String property, Object value) throws Exception {
        Configuration c = configAdmin.getConfiguration("dev.caracal.security", null);
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        props.put(property, value);
        c.update(props);
        Thread.sleep(1_500); // Config Admin delivers the change asynchronously
    }
}
