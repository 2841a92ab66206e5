package dev.caracal.vector.store.internal;

import dev.caracal.vector.VectorStore;
import java.util.Comparator;

/**
 * A collection's identity in the store: the tenant it belongs to and its name, which is unique within the tenant
 * only. Its {@link #label} is how the store's log lines and health check name it.
 */
record CollectionKey(String tenant, String name) implements Comparable<CollectionKey> {
    private static final Comparator<CollectionKey> ORDER =
            Comparator.comparing(CollectionKey::tenant).thenComparing(CollectionKey::name);

    /**
     * {@code tenant/name}, or the name alone in the {@link VectorStore#DEFAULT_TENANT default tenant} (where every
     * collection was before tenants, so names in logs and health read as they did). No name contains a slash.
     */
    String label() {
        return label(tenant, name);
    }

    static String label(String tenant, String name) {
        return VectorStore.DEFAULT_TENANT.equals(tenant) ? name : tenant + "/" + name;
    }

    @Override
    public int compareTo(CollectionKey other) {
        return ORDER.compare(this, other);
    }
}
