package dev.caracal.gateway.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The order in which the implicit route of a model name offered by several providers (chat or embedding) tries them:
 * first the providers of the {@code providerPreference} setting, in the order it lists them; then the others by the
 * {@code service.ranking} of their service (highest first), then in the order they registered (earliest first), which
 * is how OSGi itself orders equal services. Never by provider id: an id is a name the operator picked for an account,
 * and its alphabetical place says nothing about which vendor should serve a model. Registration order is stable for a
 * given start, but a provider whose configuration is edited (or whose bundle is updated) registers anew and moves
 * behind the others, which is why a name several providers offer should be settled by the setting.
 */
final class ProviderPreference {
    private ProviderPreference() {}

    /**
     * The provider ids of the setting: a comma-separated list (or the elements of an array). An entry that is not a
     * provider id (it has whitespace or a {@code /}) or comes again is reported to {@code errors} and left out.
     */
    static List<String> parse(Object value, Consumer<String> errors) {
        List<String> entries = new ArrayList<>();
        if (value instanceof Object[] array) {
            for (Object o : array) {
                split(String.valueOf(o), entries);
            }
        } else if (value != null) {
            split(value.toString(), entries);
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String id : entries) {
            if (id.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
                errors.accept("Gateway setting providerPreference: '" + id
                        + "' is not a provider id (ids have no whitespace or '/'); it is left out");
            } else if (!ids.add(id)) {
                errors.accept("Gateway setting providerPreference: '" + id
                        + "' is listed more than once; its first place counts");
            }
        }
        return List.copyOf(ids);
    }

    private static void split(String s, List<String> out) {
        for (String part : s.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
    }

    /**
     * Orders things offered by providers (chat providers, embedding models) by {@code preferred}, then by the
     * ranking and registration of their service.
     */
    static <T> Comparator<T> order(
            List<String> preferred, Function<T, String> providerId, Function<T, ServiceEntry<?>> service) {
        Map<String, Integer> place = new HashMap<>();
        for (int i = 0; i < preferred.size(); i++) {
            place.put(preferred.get(i), i);
        }
        Comparator<T> listed = Comparator.comparingInt(t -> place.getOrDefault(providerId.apply(t), Integer.MAX_VALUE));
        return listed.thenComparing(service, ServiceEntry.ORDER);
    }
}
