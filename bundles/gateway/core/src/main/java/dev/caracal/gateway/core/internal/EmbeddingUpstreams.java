package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Target;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedding models present, by provider id and the model name each serves. Providers register an embedding model
 * as {@code <providerId>/<model>} with {@code caracal.provider.id=<providerId>}; its target is
 * {@code providerId/model}, and clients ask for it by {@code model}, as they ask for a chat model, or by
 * {@code providerId/model}. A model registered without a provider id (the embedded ONNX model) belongs to provider
 * {@value #LOCAL} under its registered name. Immutable.
 */
final class EmbeddingUpstreams implements Upstreams<EmbeddingModel> {
    /** The provider id of an embedding model registered without {@code caracal.provider.id}. */
    static final String LOCAL = "local";

    static final String ABSENCE = "embedding model not present";

    /** What an embedding model of unknown input limit can do: embed, and nothing else. */
    static final Capabilities EMBEDDING = new Capabilities(false, false, false, true, false, 0);

    /**
     * One registered embedding model.
     *
     * @param entry      the service with its registered name and ordering properties
     * @param providerId its provider id, {@value #LOCAL} when it has none
     * @param model      the model name it serves: the registered name without its {@code <providerId>/} prefix
     */
    record Registered(ServiceEntry<EmbeddingModel> entry, String providerId, String model) {
        /** {@code entry} registered with {@code properties} (its {@code caracal.provider.id}). */
        static Registered of(ServiceEntry<EmbeddingModel> entry, Map<String, ?> properties) {
            String provider = ServiceEntry.string(properties, LlmProperties.PROVIDER_ID);
            String name = entry.key();
            if (provider == null) {
                return new Registered(entry, LOCAL, name);
            }
            String prefix = provider + "/";
            boolean prefixed = name.startsWith(prefix) && name.length() > prefix.length();
            return new Registered(entry, provider, prefixed ? name.substring(prefix.length()) : name);
        }
    }

    private final Map<String, Map<String, EmbeddingModel>> byProvider;
    private final Map<String, List<Target>> implicit;
    private final List<ModelInfo> models;

    /** {@code registered} in the order implicit routes try them; a later duplicate of a target is left out. */
    EmbeddingUpstreams(List<Registered> registered) {
        Map<String, Map<String, EmbeddingModel>> providers = new HashMap<>();
        Map<String, List<Target>> targets = new TreeMap<>();
        Map<String, ModelInfo> infos = new TreeMap<>();
        for (Registered r : registered) {
            Map<String, EmbeddingModel> models = providers.computeIfAbsent(r.providerId(), k -> new LinkedHashMap<>());
            if (models.putIfAbsent(r.model(), r.entry().service()) != null) {
                continue; // the better ranked model of the same target serves it
            }
            targets.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(new Target(r.providerId(), r.model(), 1));
            infos.putIfAbsent(
                    r.model(),
                    new ModelInfo(
                            r.model(), r.providerId(), capabilities(r.entry().service())));
        }
        providers.replaceAll((k, v) -> Collections.unmodifiableMap(v));
        targets.replaceAll((k, v) -> List.copyOf(v));
        this.byProvider = Collections.unmodifiableMap(providers);
        this.implicit = Collections.unmodifiableMap(targets);
        this.models = List.copyOf(infos.values());
    }

    /** An embedding model can embed, and nothing else; its input limit is its context. */
    static Capabilities capabilities(EmbeddingModel model) {
        int maxTokens;
        try {
            maxTokens = Math.max(0, model.maxInputTokens());
        } catch (RuntimeException e) {
            maxTokens = 0;
        }
        return new Capabilities(false, false, false, true, false, maxTokens);
    }

    @Override
    public EmbeddingModel find(String providerId, String model) {
        Map<String, EmbeddingModel> models = byProvider.get(providerId);
        return models == null ? null : models.get(model);
    }

    @Override
    public String absence() {
        return ABSENCE;
    }

    @Override
    public Map<String, List<Target>> implicitTargets() {
        return implicit;
    }

    /** Every model name offered, sorted, owned by the provider its implicit route tries first. */
    List<ModelInfo> models() {
        return models;
    }
}
