package dev.caracal.vector.store.internal;

import dev.caracal.security.TenantData;
import dev.caracal.vector.TenantNames;

/**
 * The store's collections as tenant-owned data ({@link TenantData}, kind {@value #KIND}): how many collections a
 * tenant has (open or not openable alike), and all of them dropped when the tenant is deleted by force. A name that
 * cannot be a tenant's owns nothing.
 */
final class TenantCollections implements TenantData {
    static final String KIND = "collections";

    private final CollectionRegistry registry;

    TenantCollections(CollectionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public long count(String tenant) {
        return TenantNames.isValid(tenant) ? registry.count(tenant) : 0;
    }

    @Override
    public void deleteAll(String tenant) {
        if (TenantNames.isValid(tenant)) {
            registry.dropAll(tenant);
        }
    }
}
