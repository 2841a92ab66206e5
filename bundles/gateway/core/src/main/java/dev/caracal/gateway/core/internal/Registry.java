package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Route;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers, embedding models and route configurations the gateway has bound, and the {@link Routing} built from
 * them. Every arrival, change or departure rebuilds the snapshot under this registry's lock, which only bind
 * callbacks take; calls read the current snapshot without one.
 */
final class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Ticker ticker;
    private final Object lock = new Object();
    private final AtomicLong bindOrder = new AtomicLong(Long.MAX_VALUE / 2);
    private final AtomicLong lastRefresh = new AtomicLong();
    private final Map<ChatModel, ServiceEntry<ChatModel>> providers = new ConcurrentHashMap<>();
    private final Map<RouteConfigComponent, Boolean> routeConfigs = new ConcurrentHashMap<>();
    private final Map<EmbeddingModel, EmbeddingUpstreams.Registered> embeddingModels = new ConcurrentHashMap<>();

    private volatile Routing routing = Routing.EMPTY;
    /** The provider ids that implicit routes try first, in order (the {@code providerPreference} setting). */
    private volatile List<String> preference = List.of();
    /** The ambiguous model names logged already (guarded by the lock). */
    private final Set<String> unsettled = new HashSet<>();
    /** Whether the preference was applied once: before, services bound ahead of the configuration warn of nothing. */
    private boolean preferenceApplied; // guarded by the lock

    Registry(Ticker ticker) {
        this.ticker = ticker;
    }

    /** The current snapshot. */
    Routing routing() {
        return routing;
    }

    // ---------------------------------------------------------------- providers

    /**
     * Adds or replaces chat provider {@code model}, under {@code caracal.provider.id} or else its
     * {@link ChatModel#providerId()}; one without either is logged and ignored.
     */
    void putProvider(ChatModel model, Map<String, ?> properties) {
        String key = ServiceEntry.string(properties, LlmProperties.PROVIDER_ID);
        if (key == null) {
            try {
                key = model.providerId();
            } catch (RuntimeException e) {
                LOG.error(
                        "A chat model without {} failed to tell its providerId(); it is ignored",
                        LlmProperties.PROVIDER_ID,
                        e);
                return;
            }
        }
        if (key == null || key.isBlank()) {
            LOG.error("A chat model has no provider id ({} or providerId()); it is ignored", LlmProperties.PROVIDER_ID);
            return;
        }
        synchronized (lock) {
            providers.put(model, ServiceEntry.of(model, key.trim(), properties, bindOrder.incrementAndGet()));
            rebuild(true);
        }
        LOG.debug("Provider {} arrived", key);
    }

    /** The entry of provider {@code model}, or {@code null}. */
    ServiceEntry<ChatModel> provider(ChatModel model) {
        return providers.get(model);
    }

    /** Removes provider {@code model}; its entry, or {@code null} when it was not bound. */
    ServiceEntry<ChatModel> removeProvider(ChatModel model) {
        ServiceEntry<ChatModel> removed;
        synchronized (lock) {
            removed = providers.remove(model);
            if (removed == null) {
                return null;
            }
            rebuild(true);
        }
        LOG.debug("Provider {} left", removed.key());
        return removed;
    }

    // ---------------------------------------------------------------- routes

    /** Applies the provider preference ({@link ProviderPreference}); rebuilds the routing when it changed. */
    void prefer(List<String> providerIds) {
        synchronized (lock) {
            if (!providerIds.equals(preference) || !preferenceApplied) {
                preference = List.copyOf(providerIds);
                preferenceApplied = true;
                unsettled.clear();
                rebuild(false);
            }
        }
    }

    void putRouteConfig(RouteConfigComponent config) {
        synchronized (lock) {
            routeConfigs.put(config, Boolean.TRUE);
            rebuild(false);
        }
    }

    void removeRouteConfig(RouteConfigComponent config) {
        synchronized (lock) {
            if (routeConfigs.remove(config) != null) {
                rebuild(false);
            }
        }
    }

    // ---------------------------------------------------------------- embedding models

    /**
     * Adds or replaces embedding model {@code model}, under {@code caracal.embedding.model} or else its
     * {@link EmbeddingModel#name()}, of provider {@code caracal.provider.id} (see {@link EmbeddingUpstreams}); one
     * without a name is ignored.
     */
    void putEmbeddingModel(EmbeddingModel model, Map<String, ?> properties) {
        String name = ServiceEntry.string(properties, LlmProperties.EMBEDDING_MODEL);
        if (name == null) {
            try {
                name = model.name();
            } catch (RuntimeException e) {
                LOG.error(
                        "An embedding model without {} failed to tell its name(); it is ignored",
                        LlmProperties.EMBEDDING_MODEL,
                        e);
                return;
            }
        }
        if (name == null || name.isBlank()) {
            return;
        }
        synchronized (lock) {
            ServiceEntry<EmbeddingModel> entry =
                    ServiceEntry.of(model, name.trim(), properties, bindOrder.incrementAndGet());
            embeddingModels.put(model, EmbeddingUpstreams.Registered.of(entry, properties));
            rebuild(false);
        }
    }

    void removeEmbeddingModel(EmbeddingModel model) {
        synchronized (lock) {
            if (embeddingModels.remove(model) != null) {
                rebuild(false);
            }
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * The current snapshot, rebuilt first if a provider's model list changed since it was built (providers may
     * discover models after registering). Looks at most once per second.
     */
    Routing refreshed() {
        long now = ticker.nanos();
        long last = lastRefresh.get();
        if (now - last < REFRESH_NANOS && last != 0 || !lastRefresh.compareAndSet(last, now == 0 ? 1 : now)) {
            return routing;
        }
        Routing r = routing;
        for (Map.Entry<String, ChatModel> e : r.chatUpstreams.providers().entrySet()) {
            if (!modelsOf(e.getKey(), e.getValue()).equals(r.chatUpstreams.listing(e.getKey()))) {
                synchronized (lock) {
                    rebuild(true);
                }
                break;
            }
        }
        return routing;
    }

    /**
     * Rebuilds the routing from the services and route configurations present; {@code relist} asks every provider
     * for its models again, else the lists of the current snapshot are kept (a provider that was not in it is asked).
     * Holds the lock.
     */
    private void rebuild(boolean relist) {
        List<ServiceEntry<ChatModel>> entries = new ArrayList<>(providers.values());
        entries.sort(ServiceEntry.ORDER);
        Map<String, ChatModel> byId = new HashMap<>();
        List<ServiceEntry<ChatModel>> serving = new ArrayList<>();
        for (ServiceEntry<ChatModel> e : entries) {
            if (byId.putIfAbsent(e.key(), e.service()) == null) { // the best ranked instance of an id serves it
                serving.add(e);
            }
        }
        serving.sort(ProviderPreference.order(preference, ServiceEntry::key, e -> e));
        Routing current = routing;
        Map<String, List<ModelInfo>> listings = new HashMap<>();
        byId.forEach((id, m) -> listings.put(
                id,
                relist || current.chatUpstreams.providers().get(id) != m
                        ? modelsOf(id, m)
                        : current.chatUpstreams.listing(id)));
        List<String> order = serving.stream().map(ServiceEntry::key).toList();
        List<Route> routes = new ArrayList<>();
        for (RouteConfigComponent c : routeConfigs.keySet()) {
            Route r = c.route();
            if (r != null) {
                routes.add(r);
            }
        }
        List<EmbeddingUpstreams.Registered> embeddings = new ArrayList<>(embeddingModels.values());
        embeddings.sort(ProviderPreference.order(
                preference, EmbeddingUpstreams.Registered::providerId, EmbeddingUpstreams.Registered::entry));
        routing = Routing.build(
                new ChatUpstreams(byId, order, listings),
                new EmbeddingUpstreams(embeddings),
                routes,
                current.states,
                LOG::error);
        warnUnsettled();
    }

    /**
     * Logs, once per name, a model name that several providers offer when the provider preference does not name the
     * provider tried first: the order then comes from service ranking and registration.
     */
    private void warnUnsettled() {
        if (!preferenceApplied) {
            return;
        }
        Routing r = routing;
        List<RoutePlan<?>> implicit = new ArrayList<>();
        implicit.addAll(r.chat.implicit.values());
        implicit.addAll(r.embeddings.implicit.values());
        for (RoutePlan<?> p : implicit) {
            if (p.targets.length > 1
                    && !preference.contains(p.targets[0].providerId())
                    && unsettled.add(p.route.source() + ":" + p.route.name())) {
                LOG.warn(
                        "Model '{}' ({}) is offered by several providers, tried in this order: {}. The order comes "
                                + "from service ranking, then registration; set providerPreference in "
                                + "etc/dev.caracal.gateway.cfg to choose",
                        p.route.name(),
                        p.route.source().equals(RouteTable.SOURCE_EMBEDDINGS) ? "embeddings" : "chat",
                        p.route.targets());
            }
        }
    }

    private static List<ModelInfo> modelsOf(String id, ChatModel model) {
        try {
            List<ModelInfo> ms = model.models();
            return ms == null ? List.of() : List.copyOf(ms);
        } catch (RuntimeException e) {
            LOG.warn("Provider {} failed to list its models: {}", id, e.toString());
            return List.of();
        }
    }
}
