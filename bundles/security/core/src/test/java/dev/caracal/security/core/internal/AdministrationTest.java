package dev.caracal.security.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.security.ApiKey;
import dev.caracal.security.AuditQuery;
import dev.caracal.security.Grants;
import dev.caracal.security.KeyRequest;
import dev.caracal.security.NewKey;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import dev.caracal.security.SecurityAdminException;
import dev.caracal.security.SecurityAdminException.Kind;
import dev.caracal.security.TenantData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenants and keys over a real H2 database: validation, rotation, revocation, expiry, durability, the audit trail. */
class AdministrationTest {
    private static final Principal ADMIN = Principal.OPERATOR;

    @TempDir
    Path dir;

    SecurityFixture f;

    @BeforeEach
    void open() {
        f = new SecurityFixture(dir).open(Map.of("CARACAL_ADMIN_KEY", "ck_test_admin_key_0123456789"), defaults());
    }

    @AfterEach
    void close() {
        f.close();
    }

    static SecurityConfigValues defaults() {
        return SecurityConfigValues.defaults();
    }

    NewKey key(String tenant, Role role) {
        return f.admin.createKey(new KeyRequest("app", tenant, role, null, Grants.ALL), ADMIN);
    }

    @Test
    void tenantsAreCreatedOnceWithValidNamesAndTheDefaultAlwaysExists() {
        assertTrue(f.admin.tenant("default").isPresent());
        f.admin.createTenant("acme", ADMIN);
        SecurityAdminException dup =
                assertThrows(SecurityAdminException.class, () -> f.admin.createTenant("acme", ADMIN));
        assertEquals(Kind.CONFLICT, dup.kind());
        for (String bad : new String[] {"", "Acme", "a/b", "../x", "-x", "x".repeat(64), "a b", "caf\u00e9"}) {
            SecurityAdminException e =
                    assertThrows(SecurityAdminException.class, () -> f.admin.createTenant(bad, ADMIN), bad);
            assertEquals(Kind.INVALID, e.kind());
            assertEquals("name", e.field());
        }
        assertEquals(
                List.of("acme", "default"),
                f.admin.tenants().stream().map(t -> t.name()).toList());
    }

    @Test
    void aKeyIsShownOnceStoredOnlyAsAHashAndVerifiesUntilRevoked() throws Exception {
        f.admin.createTenant("acme", ADMIN);
        NewKey k = key("acme", Role.WRITER);
        assertTrue(k.secret().startsWith("ck_") && k.secret().length() == 46, k.secret());
        assertEquals(k.secret().substring(0, 11) + "...", k.key().prefix());
        assertFalse(k.toString().contains(k.secret()), "a key's secret never reaches a log line");
        String dbText =
                new String(java.nio.file.Files.readAllBytes(f.db.file()), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(dbText.contains(k.secret().substring(3)), "the secret is not in the database file");
        assertEquals(
                KeyIndex.Verdict.VALID,
                f.index.verify(k.secret(), f.clock.instant()).verdict());
        assertEquals(
                KeyIndex.Verdict.UNKNOWN,
                f.index.verify(k.secret() + "x", f.clock.instant()).verdict());

        ApiKey revoked = f.admin.revokeKey(k.key().id(), ADMIN);
        assertEquals("revoked", revoked.state(f.clock.instant()));
        assertEquals(
                KeyIndex.Verdict.REVOKED,
                f.index.verify(k.secret(), f.clock.instant()).verdict());
    }

    @Test
    void aRotatedKeyWorksForItsGraceThenStopsAndItsSuccessorTakesOver() {
        NewKey old = key("default", Role.READER);
        NewKey fresh = f.admin.rotateKey(old.key().id(), Duration.ofMinutes(30), ADMIN);
        assertNotEquals(old.secret(), fresh.secret());
        assertEquals(Role.READER, fresh.key().role());
        assertEquals(
                KeyIndex.Verdict.VALID,
                f.index.verify(old.secret(), f.clock.instant()).verdict());
        assertEquals("rotated", f.admin.key(old.key().id()).orElseThrow().state(f.clock.instant()));
        f.clock.advance(Duration.ofMinutes(31));
        assertEquals(
                KeyIndex.Verdict.ROTATED_OUT,
                f.index.verify(old.secret(), f.clock.instant()).verdict());
        assertEquals(
                KeyIndex.Verdict.VALID,
                f.index.verify(fresh.secret(), f.clock.instant()).verdict());
        SecurityAdminException again = assertThrows(
                SecurityAdminException.class, () -> f.admin.rotateKey(old.key().id(), null, ADMIN));
        assertEquals(Kind.CONFLICT, again.kind());
    }

    @Test
    void aKeyExpires() {
        NewKey k = f.admin.createKey(
                new KeyRequest(
                        "short", "default", Role.WRITER, f.clock.instant().plusSeconds(60), null),
                ADMIN);
        assertEquals(
                KeyIndex.Verdict.VALID,
                f.index.verify(k.secret(), f.clock.instant()).verdict());
        f.clock.advance(Duration.ofSeconds(61));
        assertEquals(
                KeyIndex.Verdict.EXPIRED,
                f.index.verify(k.secret(), f.clock.instant()).verdict());
        SecurityAdminException past = assertThrows(
                SecurityAdminException.class,
                () -> f.admin.createKey(
                        new KeyRequest("late", "default", Role.WRITER, f.clock.instant(), null), ADMIN));
        assertEquals("expiresAt", past.field());
    }

    @Test
    void keyRequestsAreCheckedFieldByField() {
        Map<String, KeyRequest> bad = new HashMap<>();
        bad.put("name", new KeyRequest(" ", "default", Role.READER, null, null));
        bad.put("tenant", new KeyRequest("x", "nobody", Role.READER, null, null));
        bad.put("role", new KeyRequest("x", "default", null, null, null));
        bad.forEach((field, request) -> {
            SecurityAdminException e =
                    assertThrows(SecurityAdminException.class, () -> f.admin.createKey(request, ADMIN), field);
            assertEquals(field, e.field());
        });
        assertEquals(
                Kind.NOT_FOUND,
                assertThrows(SecurityAdminException.class, () -> f.admin.revokeKey("key_nope", ADMIN))
                        .kind());
    }

    @Test
    void keysAndTenantsSurviveARestartAndTheSchemaIsVersioned() {
        f.admin.createTenant("acme", ADMIN);
        NewKey k = f.admin.createKey(
                new KeyRequest("scoped", "acme", Role.READER, null, new Grants(Set.of("docs"), Set.of("gpt-4o"))),
                ADMIN);
        f.close();
        f = new SecurityFixture(dir).open(Map.of("CARACAL_ADMIN_KEY", "ck_test_admin_key_0123456789"), defaults());
        assertEquals(SecurityDatabase.MIGRATIONS.size(), f.db.schemaVersion());
        KeyIndex.Verification v = f.index.verify(k.secret(), f.clock.instant());
        assertEquals(KeyIndex.Verdict.VALID, v.verdict());
        assertEquals("acme", v.key().tenant());
        assertEquals(Set.of("docs"), v.key().grants().collections());
        assertEquals(Set.of("gpt-4o"), v.key().grants().models());
    }

    @Test
    void aTenantThatOwnsDataIsDeletedOnlyWhenForcedAndThenWithItsDataAndKeys() {
        f.admin.createTenant("acme", ADMIN);
        NewKey k = key("acme", Role.WRITER);
        List<String> dropped = new java.util.ArrayList<>();
        f.tenantData.add(new TenantData() {
            @Override
            public String kind() {
                return "collections";
            }

            @Override
            public long count(String tenant) {
                return tenant.equals("acme") && dropped.isEmpty() ? 2 : 0;
            }

            @Override
            public void deleteAll(String tenant) {
                dropped.add(tenant);
            }
        });
        SecurityAdminException owned =
                assertThrows(SecurityAdminException.class, () -> f.admin.deleteTenant("acme", false, ADMIN));
        assertEquals(Kind.CONFLICT, owned.kind());
        assertTrue(owned.getMessage().contains("2 collections"), owned.getMessage());
        f.admin.deleteTenant("acme", true, ADMIN);
        assertEquals(List.of("acme"), dropped);
        assertTrue(f.admin.tenant("acme").isEmpty());
        assertEquals(
                KeyIndex.Verdict.UNKNOWN,
                f.index.verify(k.secret(), f.clock.instant()).verdict());
        assertEquals(
                Kind.INVALID,
                assertThrows(SecurityAdminException.class, () -> f.admin.deleteTenant("default", true, ADMIN))
                        .kind());
    }

    @Test
    void everyChangeAndEveryRefusalIsInTheAuditLog() {
        f.admin.createTenant("acme", ADMIN);
        assertThrows(SecurityAdminException.class, () -> f.admin.createTenant("acme", ADMIN));
        NewKey k = key("acme", Role.WRITER);
        f.admin.revokeKey(k.key().id(), ADMIN);
        List<String> actions = f.audit.query(AuditQuery.latest(10)).stream()
                .map(e -> e.action() + ":" + e.outcome())
                .toList();
        assertEquals(
                List.of(
                        "key.revoke:ok",
                        "key.create:ok",
                        "tenant.create:refused: conflict",
                        "tenant.create:ok",
                        "key.create:ok"),
                actions);
        assertEquals(
                2,
                f.audit
                        .query(new dev.caracal.security.AuditQuery(null, null, null, "key", "acme", 10))
                        .size());
    }

    @Test
    void lastUseIsKeptToTheMinuteAndWrittenBack() {
        NewKey k = key("default", Role.READER);
        f.index.touch(k.key(), f.clock.instant());
        assertEquals(f.clock.instant(), f.admin.key(k.key().id()).orElseThrow().lastUsedAt());
        f.admin.flushLastUsed();
        f.close();
        f = new SecurityFixture(dir).open(Map.of("CARACAL_ADMIN_KEY", "ck_test_admin_key_0123456789"), defaults());
        assertEquals(f.clock.instant(), f.admin.key(k.key().id()).orElseThrow().lastUsedAt());
    }
}
