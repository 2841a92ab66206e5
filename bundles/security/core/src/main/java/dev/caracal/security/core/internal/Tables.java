package dev.caracal.security.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.caracal.core.json.Json;
import dev.caracal.security.ApiKey;
import dev.caracal.security.Grants;
import dev.caracal.security.Role;
import dev.caracal.security.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The SQL of the tenants and api_keys tables: rows in, records out. Callers run it in a {@link SecurityDatabase}. */
final class Tables {
    private static final String KEY_COLUMNS = "id, name, tenant, role, prefix, secret_hash, origin, created_at, "
            + "last_used_at, expires_at, revoked_at, grant_collections, grant_models, rotated_to";

    /** A key row: its metadata, the hash of its secret, and where it came from ({@code api}, {@code env}...). */
    record KeyRow(ApiKey key, byte[] hash, String origin) {}

    private Tables() {}

    static void insertTenant(Connection c, Tenant t) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO tenants (name, created_at) VALUES (?, ?)")) {
            p.setString(1, t.name());
            p.setObject(2, utc(t.createdAt()));
            p.executeUpdate();
        }
    }

    static List<Tenant> tenants(Connection c) throws SQLException {
        List<Tenant> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT name, created_at FROM tenants ORDER BY name");
                ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new Tenant(rs.getString(1), instant(rs, 2)));
            }
        }
        return out;
    }

    static void deleteTenant(Connection c, String name) throws SQLException {
        try (PreparedStatement keys = c.prepareStatement("DELETE FROM api_keys WHERE tenant = ?");
                PreparedStatement tenant = c.prepareStatement("DELETE FROM tenants WHERE name = ?")) {
            keys.setString(1, name);
            keys.executeUpdate();
            tenant.setString(1, name);
            tenant.executeUpdate();
        }
    }

    static void insertKey(Connection c, KeyRow row) throws SQLException {
        ApiKey k = row.key();
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES " + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, k.id());
            p.setString(2, k.name());
            p.setString(3, k.tenant());
            p.setString(4, k.role().id());
            p.setString(5, k.prefix());
            p.setBytes(6, row.hash());
            p.setString(7, row.origin());
            p.setObject(8, utc(k.createdAt()));
            setInstant(p, 9, k.lastUsedAt());
            setInstant(p, 10, k.expiresAt());
            setInstant(p, 11, k.revokedAt());
            p.setString(12, names(k.grants().collections()));
            p.setString(13, names(k.grants().models()));
            p.setString(14, k.rotatedTo());
            p.executeUpdate();
        }
    }

    /** Every key row. */
    static List<KeyRow> keys(Connection c) throws SQLException {
        List<KeyRow> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + KEY_COLUMNS + " FROM api_keys");
                ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                ApiKey key = new ApiKey(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        Role.parse(rs.getString(4)),
                        rs.getString(5),
                        instant(rs, 8),
                        instant(rs, 9),
                        instant(rs, 10),
                        instant(rs, 11),
                        new Grants(parseNames(rs.getString(12)), parseNames(rs.getString(13))),
                        rs.getString(14));
                out.add(new KeyRow(key, rs.getBytes(6), rs.getString(7)));
            }
        }
        return out;
    }

    /** Marks a key revoked at {@code at} (and replaced by {@code rotatedTo} when it is not {@code null}). */
    static void revokeKey(Connection c, String id, Instant at, String rotatedTo) throws SQLException {
        try (PreparedStatement p =
                c.prepareStatement("UPDATE api_keys SET revoked_at = ?, rotated_to = ? WHERE id = ?")) {
            p.setObject(1, utc(at));
            p.setString(2, rotatedTo);
            p.setString(3, id);
            p.executeUpdate();
        }
    }

    static void deleteKey(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
            p.setString(1, id);
            p.executeUpdate();
        }
    }

    static void touchKey(Connection c, String id, Instant at) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE api_keys SET last_used_at = ? WHERE id = ?")) {
            p.setObject(1, utc(at));
            p.setString(2, id);
            p.executeUpdate();
        }
    }

    static OffsetDateTime utc(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static void setInstant(PreparedStatement p, int index, Instant i) throws SQLException {
        if (i == null) {
            p.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            p.setObject(index, utc(i));
        }
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static String names(Set<String> names) {
        try {
            return Json.mapper().writeValueAsString(new TreeSet<>(names));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> parseNames(String json) {
        try {
            return Set.copyOf(Json.mapper().readValue(json, new TypeReference<List<String>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a key's grants are not readable: " + e.getOriginalMessage(), e);
        }
    }
}
