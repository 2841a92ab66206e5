package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.Target;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.LlmProperties;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedding models present, by name (several may share a name: they are tried in ranking order as fallbacks).
 * Immutable; rebuilt when a model comes or goes.
 */
final class EmbeddingRouter {
    /** The provider id reported in attempts for an embedding model registered without {@code caracal.provider.id}. */
    static final String LOCAL = "local";

    record Entry(EmbeddingModel model, String name, String providerId) {}

    static final EmbeddingRouter EMPTY = new EmbeddingRouter(Map.of());

    private final Map<String, List<Entry>> byName;

    private EmbeddingRouter(Map<String, List<Entry>> byName) {
        this.byName = byName;
    }

    /** {@code models} in preference order (ranking, then registration). */
    static EmbeddingRouter of(
            List<ServiceEntry<EmbeddingModel>> models, Map<EmbeddingModel, Map<String, ?>> properties) {
        Map<String, List<Entry>> byName = new TreeMap<>();
        for (ServiceEntry<EmbeddingModel> e : models) {
            String provider = ServiceEntry.string(properties.get(e.service()), LlmProperties.PROVIDER_ID);
            byName.computeIfAbsent(e.key(), k -> new ArrayList<>())
                    .add(new Entry(e.service(), e.key(), provider == null ? LOCAL : provider));
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        return new EmbeddingRouter(Collections.unmodifiableMap(byName));
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    Embeddings embed(CallContext context, String model, List<String> inputs) {
        List<Entry> entries = byName.get(model);
        if (entries == null) {
            int slash = model.indexOf('/');
            if (slash > 0) {
                String provider = model.substring(0, slash);
                List<Entry> named = byName.getOrDefault(model.substring(slash + 1), List.of());
                List<Entry> matching = new ArrayList<>();
                for (Entry e : named) {
                    if (e.providerId().equals(provider)) {
                        matching.add(e);
                    }
                }
                entries = matching.isEmpty() ? null : matching;
            }
        }
        if (entries == null) {
            throw new GatewayException(
                    ErrorKind.NOT_FOUND,
                    "embedding model '" + model + "' is not available; known embedding models: "
                            + Gateways.list(names()),
                    0,
                    null,
                    null,
                    false,
                    List.of());
        }
        Outcomes outcomes = null;
        for (Entry e : entries) {
            Target target = new Target(e.providerId(), e.name(), 1);
            long start = System.nanoTime();
            LlmException failure;
            try {
                Embeddings result = e.model().embed(inputs);
                if (result == null) {
                    throw new LlmException(ErrorKind.UPSTREAM, "embedding model '" + e.name() + "' returned nothing");
                }
                context.recordAttempt(Outcomes.attempt(target, e.name(), System.nanoTime() - start, null));
                return result;
            } catch (RuntimeException ex) {
                failure = Outcomes.asLlm(target, ex);
            }
            context.recordAttempt(Outcomes.attempt(target, e.name(), System.nanoTime() - start, failure));
            if (!failure.retryable()) {
                throw Outcomes.rejected(failure, context);
            }
            (outcomes == null ? outcomes = new Outcomes() : outcomes).failed(e.providerId(), e.name(), failure);
        }
        throw (outcomes == null ? new Outcomes() : outcomes).exhausted(model, context);
    }
}
