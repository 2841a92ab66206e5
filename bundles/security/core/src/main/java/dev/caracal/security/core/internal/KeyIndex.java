package dev.caracal.security.core.internal;

import dev.caracal.security.ApiKey;
import dev.caracal.security.Tenant;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What the request path reads: every key by the SHA-256 of its secret, and the tenants, in memory; replaced whole
 * (copy on write) when an admin changes them, so a request never waits for the database. A presented key is hashed
 * once and looked up by its hash: the lookup compares hashes, which tell nothing about the secret, and the final
 * comparison is constant-time anyway. When a key was last used is kept to the minute and written back in the
 * background ({@link #drainLastUsed}).
 */
final class KeyIndex {
    /** What a presented key is. */
    enum Verdict {
        VALID,
        UNKNOWN,
        REVOKED,
        EXPIRED,
        ROTATED_OUT
    }

    /** The verdict on a presented key and, unless it is unknown, the key. */
    record Verification(Verdict verdict, ApiKey key) {}

    private static final Verification UNKNOWN = new Verification(Verdict.UNKNOWN, null);

    private volatile Map<ByteBuffer, Tables.KeyRow> byHash = Map.of();
    private volatile Map<String, Tables.KeyRow> byId = Map.of();
    private volatile Set<String> tenants = Set.of();
    /** Last-used minute per key id, newer than what the database has. */
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

    /** Replaces the whole index with what the database holds now. */
    void load(List<Tables.KeyRow> rows, List<Tenant> tenantList) {
        Map<ByteBuffer, Tables.KeyRow> h = new HashMap<>();
        Map<String, Tables.KeyRow> i = new HashMap<>();
        for (Tables.KeyRow r : rows) {
            h.put(ByteBuffer.wrap(r.hash()), r);
            i.put(r.key().id(), r);
        }
        byHash = Map.copyOf(h);
        byId = Map.copyOf(i);
        tenants = tenantList.stream().map(Tenant::name).collect(Collectors.toUnmodifiableSet());
    }

    /** The verdict on a presented secret at {@code now}. */
    Verification verify(String presented, Instant now) {
        byte[] hash = Secrets.hash(presented);
        Tables.KeyRow row = byHash.get(ByteBuffer.wrap(hash));
        if (row == null || !MessageDigest.isEqual(row.hash(), hash)) {
            return UNKNOWN;
        }
        ApiKey k = row.key();
        if (k.revokedAt() != null && !now.isBefore(k.revokedAt())) {
            return new Verification(k.rotatedTo() != null ? Verdict.ROTATED_OUT : Verdict.REVOKED, k);
        }
        if (k.expiresAt() != null && !now.isBefore(k.expiresAt())) {
            return new Verification(Verdict.EXPIRED, k);
        }
        return new Verification(Verdict.VALID, k);
    }

    /** Notes that {@code key} authenticated a request at {@code now} (kept to the minute). */
    void touch(ApiKey key, Instant now) {
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        Instant known = lastUsed.get(key.id());
        if (known == null) {
            known = key.lastUsedAt();
        }
        if (known == null || known.isBefore(minute)) {
            lastUsed.put(key.id(), minute);
        }
    }

    /** The last-used times noted since the last drain, removed from the index's memory of them. */
    Map<String, Instant> drainLastUsed() {
        Map<String, Instant> out = new HashMap<>();
        for (String id : lastUsed.keySet()) {
            Instant t = lastUsed.remove(id);
            if (t != null) {
                out.put(id, t);
            }
        }
        return out;
    }

    /** The key with this id as the index knows it (last use included), or {@code null}. */
    ApiKey key(String id) {
        Tables.KeyRow r = byId.get(id);
        if (r == null) {
            return null;
        }
        Instant used = lastUsed.get(id);
        ApiKey k = r.key();
        if (used != null && (k.lastUsedAt() == null || used.isAfter(k.lastUsedAt()))) {
            k = new ApiKey(
                    k.id(),
                    k.name(),
                    k.tenant(),
                    k.role(),
                    k.prefix(),
                    k.createdAt(),
                    used,
                    k.expiresAt(),
                    k.revokedAt(),
                    k.grants(),
                    k.rotatedTo());
        }
        return k;
    }

    /** The row of a key, or {@code null}. */
    Tables.KeyRow row(String id) {
        return byId.get(id);
    }

    /** Every key row. */
    List<Tables.KeyRow> rows() {
        return List.copyOf(byId.values());
    }

    boolean tenantExists(String name) {
        return tenants.contains(name);
    }
}
