package dev.caracal.security;

import java.time.Instant;

/**
 * One entry of the audit log.
 *
 * @param id      its sequence number (assigned by the log; 0 before it is recorded)
 * @param time    when it happened
 * @param actor   who did it: a key's name and id, or the console user
 * @param tenant  the tenant it acted in
 * @param action  what was done: {@code key.create}, {@code collection.drop}, {@code records.delete}...
 * @param target  what it was done to: a key id, a collection name, a path
 * @param outcome {@code ok}, or why it failed ({@code denied}, {@code not-found}, an HTTP status)
 * @param detail  more, in a few words, or {@code null}
 */
public record AuditEvent(
        long id,
        Instant time,
        String actor,
        String tenant,
        String action,
        String target,
        String outcome,
        String detail) {

    /** An event to record now. */
    public static AuditEvent of(Principal principal, String action, String target, String outcome, String detail) {
        String who = principal.keyId() == null ? principal.actor() : principal.actor() + " (" + principal.keyId() + ")";
        return new AuditEvent(0, Instant.now(), who, principal.tenant(), action, target, outcome, detail);
    }
}
