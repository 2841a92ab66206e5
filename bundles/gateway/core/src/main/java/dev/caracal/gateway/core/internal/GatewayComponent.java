package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.gateway.Route;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: every chat call runs the current filter chain, whose end resolves the requested model to a route
 * ({@link RouteTable}) and lets the {@link Router} try its targets. Providers, embedding models, filters and route
 * configurations are dynamic references: each arrival or departure swaps an immutable snapshot, so calls never take
 * a lock to find their way, and calls in flight finish on the snapshot they started with. Configuration changes
 * swap the {@link Settings} the same way.
 *
 * <p>Outside OSGi (tests) construct it with a {@link Ticker}, {@link #configure(Settings)} it and call the bind
 * methods.
 */
@Component(
        name = GatewayComponent.PID,
        configurationPid = GatewayComponent.PID,
        service = Gateway.class,
        immediate = true)
@Designate(ocd = GatewayComponent.Config.class)
public class GatewayComponent implements Gateway {
    static final String PID = "dev.caracal.gateway";
    private static final Logger LOG = LoggerFactory.getLogger(GatewayComponent.class);
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    @ObjectClassDefinition(
            name = "Caracal Gateway",
            description = "Routing, fallback and circuit breakers of the LLM gateway")
    public @interface Config {
        @AttributeDefinition(
                name = "Failure threshold",
                description = "Consecutive retryable failures of a target that open its circuit breaker")
        int failureThreshold() default 5;

        @AttributeDefinition(name = "Open seconds", description = "How long a breaker stays open the first time")
        double openSeconds() default 10;

        @AttributeDefinition(
                name = "Maximum open seconds",
                description = "The cap of the open period, which doubles each time a half-open probe fails")
        double maxOpenSeconds() default 300;

        @AttributeDefinition(
                name = "Half-open probes",
                description = "Calls let through at the same time to probe a half-open breaker")
        int halfOpenProbes() default 1;

        @AttributeDefinition(
                name = "Maximum attempts",
                description = "Targets tried per call at most; 0 tries every target of the route")
        int maxAttempts() default 0;

        @AttributeDefinition(
                name = "Latency half-life seconds",
                description = "Half-life of the latency average that least-latency routes rank targets by")
        double latencyHalfLifeSeconds() default 30;

        @AttributeDefinition(
                name = "Route header",
                description = "Let the x-caracal-route request header pick a route or provider/model")
        boolean routeHeader() default true;
    }

    private final Ticker ticker;
    private final Router router;
    private final GatewayFilter.Chain routerChain = new GatewayFilter.Chain() {
        @Override
        public ChatResponse complete(CallContext context, ChatRequest request) {
            return route(context, request);
        }

        @Override
        public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
            return routeAsync(context, request);
        }

        @Override
        public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler) {
            return routeStream(context, request, handler);
        }
    };

    private volatile Settings settings = Settings.DEFAULTS;
    private volatile RouteTable table = RouteTable.EMPTY;
    private volatile FilterChain chain;
    private volatile EmbeddingRouter embeddings = EmbeddingRouter.EMPTY;
    private final AtomicLong lastRefresh = new AtomicLong();

    /** Serializes rebuilding the snapshots (bind/unbind callbacks); never taken by a call. */
    private final Object registryLock = new Object();

    private final AtomicLong bindOrder = new AtomicLong(Long.MAX_VALUE / 2);
    private final Map<ChatModel, ServiceEntry<ChatModel>> providers = new ConcurrentHashMap<>();
    private final Map<RouteConfigComponent, Boolean> routeConfigs = new ConcurrentHashMap<>();
    private final Map<GatewayFilter, ServiceEntry<GatewayFilter>> filters = new ConcurrentHashMap<>();
    private final Map<EmbeddingModel, ServiceEntry<EmbeddingModel>> embeddingModels = new ConcurrentHashMap<>();
    private final Map<EmbeddingModel, Map<String, ?>> embeddingProperties = new ConcurrentHashMap<>();

    /** For DS. */
    public GatewayComponent() {
        this(Ticker.SYSTEM);
    }

    /** A gateway on the given clock (tests). */
    public GatewayComponent(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.router = new Router(ticker);
        this.chain = FilterChain.of(List.of(), routerChain);
    }

    @Activate
    @Modified
    void activate(Config config) {
        configure(Settings.of(
                config.failureThreshold(),
                config.openSeconds(),
                config.maxOpenSeconds(),
                config.halfOpenProbes(),
                config.maxAttempts(),
                config.latencyHalfLifeSeconds(),
                config.routeHeader()));
    }

    /** Lets the threads that serve blocking-only providers end; calls in flight finish. */
    @Deactivate
    void deactivate() {
        router.close();
    }

    /** Applies settings; calls in flight keep the settings they started with. */
    public void configure(Settings s) {
        settings = Objects.requireNonNull(s, "settings");
        LOG.info(
                "Gateway settings: breaker opens after {} failures for {}-{} s with {} probe(s), maxAttempts {}, "
                        + "latency half-life {} s, route header {}",
                s.failureThreshold(),
                s.openNanos() / 1e9,
                s.maxOpenNanos() / 1e9,
                s.halfOpenProbes(),
                s.maxAttempts(),
                s.halfLifeNanos() / 1e9,
                s.routeHeader() ? "on" : "off");
    }

    Settings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- references

    @Reference(
            service = ChatModel.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindChatModel",
            updated = "updatedChatModel")
    public void bindChatModel(ChatModel model, Map<String, ?> properties) {
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
        synchronized (registryLock) {
            providers.put(model, ServiceEntry.of(model, key.trim(), properties, bindOrder.incrementAndGet()));
            rebuildRoutes();
        }
        LOG.debug("Provider {} arrived", key);
    }

    public void updatedChatModel(ChatModel model, Map<String, ?> properties) {
        ServiceEntry<ChatModel> old = providers.get(model);
        bindChatModel(model, properties);
        ServiceEntry<ChatModel> now = providers.get(model);
        if (old != null && now != null && !old.key().equals(now.key())) {
            router.providerLeft(model, old.key());
        }
    }

    public void unbindChatModel(ChatModel model, Map<String, ?> properties) {
        ServiceEntry<ChatModel> removed;
        synchronized (registryLock) {
            removed = providers.remove(model);
            if (removed == null) {
                return;
            }
            rebuildRoutes();
        }
        LOG.debug("Provider {} left", removed.key());
        router.providerLeft(model, removed.key());
    }

    @Reference(
            service = RouteConfigComponent.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindRouteConfig",
            updated = "updatedRouteConfig")
    public void bindRouteConfig(RouteConfigComponent config) {
        synchronized (registryLock) {
            routeConfigs.put(config, Boolean.TRUE);
            rebuildRoutes();
        }
    }

    public void updatedRouteConfig(RouteConfigComponent config) {
        bindRouteConfig(config);
    }

    public void unbindRouteConfig(RouteConfigComponent config) {
        synchronized (registryLock) {
            if (routeConfigs.remove(config) != null) {
                rebuildRoutes();
            }
        }
    }

    @Reference(
            service = GatewayFilter.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindFilter",
            updated = "updatedFilter")
    public void bindFilter(GatewayFilter filter, Map<String, ?> properties) {
        synchronized (registryLock) {
            filters.put(filter, ServiceEntry.of(filter, "", properties, bindOrder.incrementAndGet()));
            rebuildFilters();
        }
    }

    public void updatedFilter(GatewayFilter filter, Map<String, ?> properties) {
        bindFilter(filter, properties);
    }

    public void unbindFilter(GatewayFilter filter, Map<String, ?> properties) {
        synchronized (registryLock) {
            if (filters.remove(filter) != null) {
                rebuildFilters();
            }
        }
    }

    @Reference(
            service = EmbeddingModel.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindEmbeddingModel",
            updated = "updatedEmbeddingModel")
    public void bindEmbeddingModel(EmbeddingModel model, Map<String, ?> properties) {
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
        synchronized (registryLock) {
            embeddingModels.put(model, ServiceEntry.of(model, name.trim(), properties, bindOrder.incrementAndGet()));
            embeddingProperties.put(model, properties == null ? Map.of() : new HashMap<>(properties));
            rebuildEmbeddings();
        }
    }

    public void updatedEmbeddingModel(EmbeddingModel model, Map<String, ?> properties) {
        bindEmbeddingModel(model, properties);
    }

    public void unbindEmbeddingModel(EmbeddingModel model, Map<String, ?> properties) {
        synchronized (registryLock) {
            if (embeddingModels.remove(model) != null) {
                embeddingProperties.remove(model);
                rebuildEmbeddings();
            }
        }
    }

    /** Rebuilds the route table from the providers and route configurations present. Holds registryLock. */
    private void rebuildRoutes() {
        List<ServiceEntry<ChatModel>> entries = new ArrayList<>(providers.values());
        entries.sort(ServiceEntry.ORDER);
        Map<String, ChatModel> byId = new HashMap<>();
        for (ServiceEntry<ChatModel> e : entries) {
            byId.putIfAbsent(e.key(), e.service()); // the best ranked instance of an id serves it
        }
        Map<String, List<ModelInfo>> models = new HashMap<>();
        byId.forEach((id, m) -> models.put(id, modelsOf(id, m)));
        List<Route> routes = new ArrayList<>();
        for (RouteConfigComponent c : routeConfigs.keySet()) {
            Route r = c.route();
            if (r != null) {
                routes.add(r);
            }
        }
        table = RouteTable.build(byId, models, routes, table.states, LOG::error);
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

    /**
     * Rebuilds the route table if a provider's model list changed since it was built (providers may discover models
     * after registering). At most once per second.
     */
    private void refreshModels() {
        long now = ticker.nanos();
        long last = lastRefresh.get();
        if (now - last < REFRESH_NANOS && last != 0 || !lastRefresh.compareAndSet(last, now == 0 ? 1 : now)) {
            return;
        }
        RouteTable t = table;
        for (Map.Entry<String, ChatModel> e : t.providers.entrySet()) {
            if (!modelsOf(e.getKey(), e.getValue()).equals(t.providerModels.get(e.getKey()))) {
                synchronized (registryLock) {
                    rebuildRoutes();
                }
                return;
            }
        }
    }

    private void rebuildFilters() {
        List<ServiceEntry<GatewayFilter>> entries = new ArrayList<>(filters.values());
        entries.sort(ServiceEntry.ORDER);
        List<GatewayFilter> ordered = new ArrayList<>(entries.size());
        for (ServiceEntry<GatewayFilter> e : entries) {
            ordered.add(e.service());
        }
        chain = FilterChain.of(ordered, routerChain);
    }

    private void rebuildEmbeddings() {
        List<ServiceEntry<EmbeddingModel>> entries = new ArrayList<>(embeddingModels.values());
        entries.sort(ServiceEntry.ORDER);
        embeddings = EmbeddingRouter.of(entries, embeddingProperties);
    }

    // ---------------------------------------------------------------- Gateway

    @Override
    public ChatResponse complete(CallContext context, ChatRequest request) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(request, "request");
        return chain.head.complete(context, request);
    }

    /**
     * Serves a non-streamed call through the same filters and routing as {@link #complete}, without holding a thread
     * while upstreams answer; every failure, a missing argument included, is delivered through the stage. The stage
     * completes on the calling thread when the outcome is known at once, otherwise on the thread that completes the
     * last stage of the chain: typically a provider's HTTP I/O thread, or a filter's own thread.
     */
    @Override
    public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
        try {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(request, "request");
            return chain.head.completeAsync(context, request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(request, "request");
        GuardedStream guard = new GuardedStream(Objects.requireNonNull(handler, "handler"));
        try {
            StreamHandle inner = chain.head.stream(context, request, guard);
            if (inner != null) {
                guard.attach(inner);
            }
        } catch (LlmException e) {
            guard.onEvent(new StreamEvent.Error(e));
        }
        return guard;
    }

    @Override
    public Embeddings embed(CallContext context, String model, List<String> inputs) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(model, "model");
        return embeddings.embed(context, model, inputs == null ? List.of() : inputs);
    }

    @Override
    public List<ModelInfo> models() {
        refreshModels();
        return table.models();
    }

    @Override
    public List<Route> routes() {
        refreshModels();
        return table.routes();
    }

    @Override
    public List<TargetHealth> health() {
        refreshModels();
        RouteTable t = table;
        List<TargetHealth> out = new ArrayList<>(t.states.size());
        for (TargetState s : t.states.values()) {
            out.add(s.health(t.providers.containsKey(s.target.providerId()), ticker));
        }
        return out;
    }

    /** The names of the filters in effect, in the order calls pass them. */
    List<String> filterNames() {
        return chain.names;
    }

    // ---------------------------------------------------------------- the end of the chain

    private ChatResponse route(CallContext context, ChatRequest request) {
        Settings s = settings;
        RoutePlan plan = resolve(context, request, s);
        return router.complete(context, request, plan, request.model(), s);
    }

    private CompletionStage<ChatResponse> routeAsync(CallContext context, ChatRequest request) {
        Settings s = settings;
        RoutePlan plan;
        try {
            plan = resolve(context, request, s);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return router.completeAsync(context, request, plan, request.model(), s);
    }

    private StreamHandle routeStream(CallContext context, ChatRequest request, StreamHandler handler) {
        Settings s = settings;
        RoutePlan plan;
        try {
            plan = resolve(context, request, s);
        } catch (GatewayException e) {
            handler.onEvent(new StreamEvent.Error(e));
            return () -> {};
        }
        return router.stream(context, request, handler, plan, request.model(), s);
    }

    private RoutePlan resolve(CallContext context, ChatRequest request, Settings s) {
        String header = s.routeHeader() ? context.header(CallContext.ROUTE_HEADER) : null;
        String name = header != null && !header.isBlank() ? header.trim() : request.model();
        RoutePlan plan = table.resolve(name);
        if (plan == null) {
            refreshModels();
            plan = table.resolve(name);
        }
        if (plan == null) {
            String what = name == request.model()
                    ? "model '" + name + "' has no route"
                    : "route '" + name + "' named by the " + CallContext.ROUTE_HEADER + " header does not exist";
            throw new GatewayException(
                    ErrorKind.NOT_FOUND,
                    what + "; known models: " + Gateways.list(table.modelNames()),
                    0,
                    null,
                    null,
                    false,
                    context.attempts());
        }
        return plan;
    }
}
