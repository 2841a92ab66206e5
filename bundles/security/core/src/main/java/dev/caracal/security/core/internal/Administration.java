package dev.caracal.security.core.internal;

import dev.caracal.security.ApiKey;
import dev.caracal.security.AuditEvent;
import dev.caracal.security.AuditLog;
import dev.caracal.security.Grants;
import dev.caracal.security.KeyRequest;
import dev.caracal.security.NewKey;
import dev.caracal.security.Principal;
import dev.caracal.security.SecurityAdmin;
import dev.caracal.security.SecurityAdminException;
import dev.caracal.security.SecurityAdminException.Kind;
import dev.caracal.security.Tenant;
import dev.caracal.security.TenantData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Tenants and keys: validates each change, writes it to the {@link SecurityDatabase}, reloads the {@link KeyIndex}
 * the request path reads, and records it in the audit log (refusals too). Changes are serialized.
 */
final class Administration implements SecurityAdmin {
    /** Keys that came from {@code CARACAL_ADMIN_KEY}: the variable owns them, not the API. */
    static final String ORIGIN_ENV = "env";

    static final String ORIGIN_API = "api";
    private static final int MAX_NAME = 200;

    private final SecurityDatabase db;
    private final KeyIndex index;
    private final AuditLog audit;
    private final Supplier<List<TenantData>> tenantData;
    private final Clock clock;
    private volatile Duration defaultGrace;

    Administration(
            SecurityDatabase db,
            KeyIndex index,
            AuditLog audit,
            Supplier<List<TenantData>> tenantData,
            Clock clock,
            Duration defaultGrace) {
        this.db = db;
        this.index = index;
        this.audit = audit;
        this.tenantData = tenantData;
        this.clock = clock;
        this.defaultGrace = defaultGrace;
        reload();
    }

    void setDefaultGrace(Duration grace) {
        defaultGrace = grace;
    }

    /** Reads tenants and keys from the database into the index. */
    void reload() {
        db.run(c -> {
            index.load(Tables.keys(c), Tables.tenants(c));
            return null;
        });
    }

    // ---- tenants

    @Override
    public synchronized Tenant createTenant(String name, Principal actor) {
        if (!Tenant.isValidName(name)) {
            throw refuse(actor, "tenant.create", name, Kind.INVALID, "name", "a tenant name is " + Tenant.nameRule());
        }
        if (index.tenantExists(name)) {
            throw refuse(actor, "tenant.create", name, Kind.CONFLICT, "name", "tenant '" + name + "' already exists");
        }
        Tenant t = new Tenant(name, clock.instant());
        db.run(c -> {
            Tables.insertTenant(c, t);
            return null;
        });
        reload();
        audit.record(AuditEvent.of(actor.inTenant(name), "tenant.create", name, "ok", null));
        return t;
    }

    /** Creates a tenant unless it exists (at start, for the default tenant). */
    synchronized void ensureTenant(String name) {
        if (!index.tenantExists(name)) {
            db.run(c -> {
                Tables.insertTenant(c, new Tenant(name, clock.instant()));
                return null;
            });
            reload();
        }
    }

    @Override
    public List<Tenant> tenants() {
        return db.run(Tables::tenants);
    }

    @Override
    public Optional<Tenant> tenant(String name) {
        return tenants().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    @Override
    public synchronized void deleteTenant(String name, boolean force, Principal actor) {
        if (Tenant.DEFAULT.equals(name)) {
            throw refuse(actor, "tenant.delete", name, Kind.INVALID, "name", "the default tenant cannot be deleted");
        }
        if (name == null || !index.tenantExists(name)) {
            throw refuse(actor, "tenant.delete", name, Kind.NOT_FOUND, "name", "no tenant named '" + name + "'");
        }
        List<String> owned = new ArrayList<>();
        for (TenantData d : tenantData.get()) {
            long n = d.count(name);
            if (n > 0) {
                owned.add(n + " " + d.kind());
            }
        }
        if (!owned.isEmpty() && !force) {
            throw refuse(
                    actor,
                    "tenant.delete",
                    name,
                    Kind.CONFLICT,
                    "name",
                    "tenant '" + name + "' still owns " + String.join(", ", owned)
                            + "; delete them first, or force the deletion to delete them too");
        }
        for (TenantData d : tenantData.get()) {
            d.deleteAll(name);
        }
        db.run(c -> {
            Tables.deleteTenant(c, name);
            return null;
        });
        reload();
        audit.record(AuditEvent.of(
                actor.inTenant(name),
                "tenant.delete",
                name,
                "ok",
                owned.isEmpty() ? null : "deleted " + String.join(", ", owned)));
    }

    // ---- keys

    @Override
    public synchronized NewKey createKey(KeyRequest r, Principal actor) {
        String target = r == null ? null : r.name();
        if (r == null || r.name() == null || r.name().isBlank()) {
            throw refuse(actor, "key.create", target, Kind.INVALID, "name", "a key needs a name");
        }
        if (r.name().length() > MAX_NAME || r.name().chars().anyMatch(Character::isISOControl)) {
            throw refuse(
                    actor,
                    "key.create",
                    target,
                    Kind.INVALID,
                    "name",
                    "a key name is at most " + MAX_NAME + " characters, without control characters");
        }
        if (r.tenant() == null || !index.tenantExists(r.tenant())) {
            throw refuse(actor, "key.create", target, Kind.INVALID, "tenant", "no tenant named '" + r.tenant() + "'");
        }
        if (r.role() == null) {
            throw refuse(actor, "key.create", target, Kind.INVALID, "role", "role must be admin, writer or reader");
        }
        Instant now = clock.instant();
        if (r.expiresAt() != null && !r.expiresAt().isAfter(now)) {
            throw refuse(actor, "key.create", target, Kind.INVALID, "expiresAt", "expiresAt must be in the future");
        }
        Grants grants = r.grants() == null ? Grants.ALL : r.grants();
        NewKey created = insert(r.name(), r.tenant(), r.role(), r.expiresAt(), grants, ORIGIN_API, null, now);
        audit.record(AuditEvent.of(
                actor.inTenant(r.tenant()),
                "key.create",
                created.key().id(),
                "ok",
                "name " + r.name() + ", role " + r.role().id()));
        return created;
    }

    /** Inserts a key with a new secret ({@code secret} when given: the environment's) and reloads the index. */
    NewKey insert(
            String name,
            String tenant,
            dev.caracal.security.Role role,
            Instant expiresAt,
            Grants grants,
            String origin,
            String secret,
            Instant now) {
        String s = secret == null ? Secrets.newSecret() : secret;
        ApiKey key = new ApiKey(
                Secrets.newId(), name, tenant, role, Secrets.prefixOf(s), now, null, expiresAt, null, grants, null);
        db.run(c -> {
            Tables.insertKey(c, new Tables.KeyRow(key, Secrets.hash(s), origin));
            return null;
        });
        reload();
        return new NewKey(key, s);
    }

    /** Deletes a key row outright (an environment key the variable no longer names). */
    synchronized void delete(String id) {
        db.run(c -> {
            Tables.deleteKey(c, id);
            return null;
        });
        reload();
    }

    @Override
    public List<ApiKey> keys(String tenant) {
        return index.rows().stream()
                .map(r -> index.key(r.key().id()))
                .filter(k -> tenant == null || k.tenant().equals(tenant))
                .sorted(Comparator.comparing(ApiKey::createdAt).reversed().thenComparing(ApiKey::id))
                .toList();
    }

    @Override
    public Optional<ApiKey> key(String id) {
        return Optional.ofNullable(id == null ? null : index.key(id));
    }

    @Override
    public synchronized NewKey rotateKey(String id, Duration grace, Principal actor) {
        Tables.KeyRow row = id == null ? null : index.row(id);
        if (row == null) {
            throw refuse(actor, "key.rotate", id, Kind.NOT_FOUND, "id", "no key with id '" + id + "'");
        }
        ApiKey old = row.key();
        Instant now = clock.instant();
        if (ORIGIN_ENV.equals(row.origin())) {
            throw refuse(
                    actor,
                    "key.rotate",
                    id,
                    Kind.CONFLICT,
                    "id",
                    "this key comes from CARACAL_ADMIN_KEY: set a new value and restart to replace it");
        }
        if (!old.isValidAt(now) || old.rotatedTo() != null) {
            throw refuse(
                    actor,
                    "key.rotate",
                    id,
                    Kind.CONFLICT,
                    "id",
                    "key '" + id + "' is " + old.state(now) + "; only an active key can be rotated");
        }
        Duration g = grace == null ? defaultGrace : grace;
        if (g.isNegative()) {
            throw refuse(actor, "key.rotate", id, Kind.INVALID, "grace", "the grace period cannot be negative");
        }
        NewKey fresh =
                insert(old.name(), old.tenant(), old.role(), old.expiresAt(), old.grants(), ORIGIN_API, null, now);
        db.run(c -> {
            Tables.revokeKey(c, id, now.plus(g), fresh.key().id());
            return null;
        });
        reload();
        audit.record(AuditEvent.of(
                actor.inTenant(old.tenant()),
                "key.rotate",
                id,
                "ok",
                "replaced by " + fresh.key().id() + "; the old key works until " + now.plus(g)));
        return fresh;
    }

    @Override
    public synchronized ApiKey revokeKey(String id, Principal actor) {
        Tables.KeyRow row = id == null ? null : index.row(id);
        if (row == null) {
            throw refuse(actor, "key.revoke", id, Kind.NOT_FOUND, "id", "no key with id '" + id + "'");
        }
        Instant now = clock.instant();
        ApiKey k = row.key();
        if (k.revokedAt() == null || k.revokedAt().isAfter(now)) {
            db.run(c -> {
                Tables.revokeKey(c, id, now, k.rotatedTo());
                return null;
            });
            reload();
        }
        audit.record(AuditEvent.of(actor.inTenant(k.tenant()), "key.revoke", id, "ok", "name " + k.name()));
        return index.key(id);
    }

    /** Writes the last-used times the index noted since the last flush. */
    void flushLastUsed() {
        var used = index.drainLastUsed();
        if (used.isEmpty()) {
            return;
        }
        db.run(c -> {
            for (var e : used.entrySet()) {
                Tables.touchKey(c, e.getKey(), e.getValue());
            }
            return null;
        });
        reload();
    }

    private SecurityAdminException refuse(
            Principal actor, String action, String target, Kind kind, String field, String message) {
        audit.record(
                AuditEvent.of(actor, action, target, "refused: " + kind.name().toLowerCase(), message));
        return new SecurityAdminException(kind, field, message);
    }
}
