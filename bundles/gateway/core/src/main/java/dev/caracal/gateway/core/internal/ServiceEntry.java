package dev.caracal.gateway.core.internal;

import java.util.Comparator;
import java.util.Map;

/**
 * A bound service with the properties the gateway orders it by: its key (provider id, embedding model name),
 * {@code service.ranking} (higher first) and {@code service.id} (lower first, i.e. the earlier registration).
 */
record ServiceEntry<S>(S service, String key, int ranking, long serviceId) {
    static final Comparator<ServiceEntry<?>> ORDER =
            Comparator.<ServiceEntry<?>>comparingInt(e -> -e.ranking()).thenComparingLong(ServiceEntry::serviceId);

    static <S> ServiceEntry<S> of(S service, String key, Map<String, ?> properties, long fallbackId) {
        Object r = properties == null ? null : properties.get("service.ranking");
        Object id = properties == null ? null : properties.get("service.id");
        int ranking = r instanceof Integer i ? i : 0;
        long serviceId = id instanceof Number n ? n.longValue() : fallbackId;
        return new ServiceEntry<>(service, key, ranking, serviceId);
    }

    static String string(Map<String, ?> properties, String name) {
        Object v = properties == null ? null : properties.get(name);
        if (v instanceof String[] a) {
            v = a.length == 0 ? null : a[0];
        }
        return v == null || v.toString().isBlank() ? null : v.toString().trim();
    }
}
