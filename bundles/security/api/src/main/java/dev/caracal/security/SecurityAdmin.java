package dev.caracal.security;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Tenants and API keys. Every change is recorded in the {@link AuditLog} with the actor that made it; refusals are
 * {@link SecurityAdminException}s naming the field at fault.
 */
@ProviderType
public interface SecurityAdmin {
    Tenant createTenant(String name, Principal actor);

    List<Tenant> tenants();

    Optional<Tenant> tenant(String name);

    /**
     * Deletes a tenant and its keys. A tenant that still owns data ({@link TenantData}) is refused unless
     * {@code force}, which deletes that data too. The default tenant cannot be deleted.
     */
    void deleteTenant(String name, boolean force, Principal actor);

    /** Creates a key; its secret is in the result only. */
    NewKey createKey(KeyRequest request, Principal actor);

    /** The keys of {@code tenant}, or of every tenant when {@code null}; newest first. */
    List<ApiKey> keys(String tenant);

    Optional<ApiKey> key(String id);

    /**
     * Replaces a key with a new one of the same name, tenant, role, expiry and grants; the old key keeps working for
     * {@code grace} (the configured default when {@code null}), then stops.
     */
    NewKey rotateKey(String id, Duration grace, Principal actor);

    /** Revokes a key at once. */
    ApiKey revokeKey(String id, Principal actor);
}
