package dev.caracal.gateway.openai.http.internal;

import dev.caracal.gateway.openai.http.store.ResponseStore;
import dev.caracal.security.TenantData;

/**
 * The stored responses as tenant-owned data ({@link TenantData}, kind {@value #KIND}): how many a tenant keeps, and
 * all of them deleted when the tenant is deleted by force.
 */
final class TenantResponses implements TenantData {
    static final String KIND = "stored responses";

    private final ResponseStore store;

    TenantResponses(ResponseStore store) {
        this.store = store;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public long count(String tenant) {
        return store.count(tenant);
    }

    @Override
    public void deleteAll(String tenant) {
        store.deleteAll(tenant);
    }
}
