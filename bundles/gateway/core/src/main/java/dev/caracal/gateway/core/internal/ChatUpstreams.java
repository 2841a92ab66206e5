package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Target;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The chat providers present, by provider id, with the models each listed when the snapshot was built. A chat target
 * reaches its provider whatever model it names (a provider may serve models it does not list); the implicit route of
 * a listed model tries the providers listing it in the order given (the provider preference). Immutable.
 */
final class ChatUpstreams implements Upstreams<ChatModel> {
    static final String ABSENCE = "provider not present";

    private final Map<String, ChatModel> providers;
    private final List<String> order;
    private final Map<String, List<ModelInfo>> listings;
    private final Map<String, List<Target>> implicit;

    /**
     * @param providers the provider of each id
     * @param order     the ids of {@code providers} in the order an implicit route tries them
     * @param listings  the models each provider listed
     */
    ChatUpstreams(Map<String, ChatModel> providers, List<String> order, Map<String, List<ModelInfo>> listings) {
        this.providers = Collections.unmodifiableMap(new HashMap<>(providers));
        this.order = List.copyOf(order);
        Map<String, List<ModelInfo>> listed = new HashMap<>();
        Map<String, List<Target>> targets = new TreeMap<>();
        for (String id : this.order) {
            List<ModelInfo> ms = List.copyOf(listings.getOrDefault(id, List.of()));
            listed.put(id, ms);
            Set<String> seen = new HashSet<>();
            for (ModelInfo m : ms) {
                if (seen.add(m.id())) {
                    targets.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(new Target(id, m.id(), 1));
                }
            }
        }
        targets.replaceAll((k, v) -> List.copyOf(v));
        this.listings = Collections.unmodifiableMap(listed);
        this.implicit = Collections.unmodifiableMap(targets);
    }

    @Override
    public ChatModel find(String providerId, String model) {
        return providers.get(providerId);
    }

    @Override
    public String absence() {
        return ABSENCE;
    }

    @Override
    public Map<String, List<Target>> implicitTargets() {
        return implicit;
    }

    /** The providers by id. */
    Map<String, ChatModel> providers() {
        return providers;
    }

    /** The provider ids in preference order. */
    List<String> order() {
        return order;
    }

    /** The models provider {@code id} listed (empty when it is absent). */
    List<ModelInfo> listing(String id) {
        return listings.getOrDefault(id, List.of());
    }

    /** What provider {@code providerId} says model {@code model} can do, or {@code null} when it does not list it. */
    Capabilities capabilities(String providerId, String model) {
        for (ModelInfo m : listing(providerId)) {
            if (m.id().equals(model)) {
                return m.capabilities();
            }
        }
        return null;
    }
}
