package dev.caracal.security;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Tenant-owned state an engine keeps (collections, cache namespaces, RAG workspaces, budgets, sessions). Engines
 * register one as a service so that a tenant is not deleted while it owns something, unless its deletion is forced,
 * which deletes that too.
 */
@ConsumerType
public interface TenantData {
    /** What it is, in the plural: {@code collections}. */
    String kind();

    /** How many of them {@code tenant} owns. */
    long count(String tenant);

    /** Deletes everything {@code tenant} owns here. */
    void deleteAll(String tenant);
}
