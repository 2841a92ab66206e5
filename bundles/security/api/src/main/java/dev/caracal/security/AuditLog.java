package dev.caracal.security;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The audit log: every admin action and every destructive one (a collection dropped, records deleted by a filter,
 * an index changed), with actor, tenant, time, target and outcome. Append-only: nothing in the API changes or
 * removes an entry.
 */
@ProviderType
public interface AuditLog {
    /** Records {@code event} durably; returns it with its sequence number. */
    AuditEvent record(AuditEvent event);

    /** The entries matching {@code query}, newest first. */
    List<AuditEvent> query(AuditQuery query);
}
