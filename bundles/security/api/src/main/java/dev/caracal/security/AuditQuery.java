package dev.caracal.security;

import java.time.Instant;

/**
 * Which audit entries to read: every criterion that is not {@code null} must match; newest first, at most
 * {@code limit}.
 *
 * @param from   at or after this time
 * @param to     before this time
 * @param actor  the actor contains this text
 * @param action the action is this one, or starts with it followed by a dot ({@code key} matches
 *               {@code key.create})
 * @param tenant in this tenant
 * @param limit  how many at most (1 to 10,000)
 */
public record AuditQuery(Instant from, Instant to, String actor, String action, String tenant, int limit) {
    public static final int MAX_LIMIT = 10_000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + " (was " + limit + ")");
        }
    }

    /** The newest {@code limit} entries. */
    public static AuditQuery latest(int limit) {
        return new AuditQuery(null, null, null, null, null, limit);
    }
}
