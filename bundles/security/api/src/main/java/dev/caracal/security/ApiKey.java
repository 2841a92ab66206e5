package dev.caracal.security;

import java.time.Instant;

/**
 * What is known of an API key, never its secret (only a hash of it is stored).
 *
 * @param id         its id (what {@code rotate} and {@code revoke} name)
 * @param name       what its owner called it
 * @param tenant     the tenant it acts in
 * @param role       what it may do there
 * @param prefix     the first characters of the secret, to recognize it ({@code ck_3f9a...})
 * @param createdAt  when it was created
 * @param lastUsedAt when it last authenticated a request (to the minute), or {@code null}
 * @param expiresAt  when it stops working, or {@code null}
 * @param revokedAt  when it was revoked (or its rotation grace ended), or {@code null}
 * @param grants     what narrows it beyond its role
 * @param rotatedTo  the id of the key that replaced it, or {@code null}
 */
public record ApiKey(
        String id,
        String name,
        String tenant,
        Role role,
        String prefix,
        Instant createdAt,
        Instant lastUsedAt,
        Instant expiresAt,
        Instant revokedAt,
        Grants grants,
        String rotatedTo) {

    /** Whether it authenticates requests at {@code now}: not revoked (or past its grace) and not expired. */
    public boolean isValidAt(Instant now) {
        return (revokedAt == null || now.isBefore(revokedAt)) && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** {@code active}, {@code expired}, {@code revoked}, or {@code rotated} (still valid during its grace). */
    public String state(Instant now) {
        if (revokedAt != null && !now.isBefore(revokedAt)) {
            return rotatedTo != null ? "rotated-out" : "revoked";
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return "expired";
        }
        return rotatedTo != null ? "rotated" : "active";
    }
}
