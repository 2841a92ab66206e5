package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.gateway.Route;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.gateway.TokenCount;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * ({@link Routing}) and lets the {@link Router} try its targets. Providers, embedding models, filters and route
 * configurations are dynamic references kept by the {@link Registry}: each arrival or departure swaps an immutable
 * snapshot, so calls never take a lock to find their way, and calls in flight finish on the snapshot they started
 * with. Configuration changes swap the {@link Settings} the same way.
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

        @AttributeDefinition(
                name = "Provider preference",
                description = "Provider ids, comma separated, that a model name several providers offer (chat or "
                        + "embeddings) tries first, in this order; the others follow by service ranking, then "
                        + "registration order",
                required = false)
        String providerPreference() default "";
    }

    private final Ticker ticker;
    private final Router router;
    private volatile Settings settings = Settings.DEFAULTS;
    private volatile FilterChain chain;
    private final Registry registry;
    private final ChainEnd routerChain;
    /** Orders filters of equal ranking registered without a {@code service.id} (outside OSGi). */
    private final AtomicLong filterOrder = new AtomicLong(Long.MAX_VALUE / 2);
    /** Serializes rebuilding the filter chain (bind/unbind callbacks); never taken by a call. */
    private final Object filterLock = new Object();

    private final Map<GatewayFilter, ServiceEntry<GatewayFilter>> filters = new ConcurrentHashMap<>();

    /** For DS. */
    public GatewayComponent() {
        this(Ticker.SYSTEM);
    }

    /** A gateway on the given clock (tests). */
    public GatewayComponent(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.router = new Router(ticker);
        this.registry = new Registry(ticker);
        this.routerChain = new ChainEnd(registry, router, () -> settings);
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
                        config.routeHeader())
                .withProviderPreference(ProviderPreference.parse(config.providerPreference(), LOG::error)));
    }

    /** Lets the threads that serve blocking-only providers end; calls in flight finish. */
    @Deactivate
    void deactivate() {
        router.close();
    }

    /**
     * Applies settings; calls in flight keep the settings they started with. A new provider preference rebuilds the
     * routes.
     */
    public void configure(Settings s) {
        settings = Objects.requireNonNull(s, "settings");
        registry.prefer(s.providerPreference());
        LOG.info(
                "Gateway settings: breaker opens after {} failures for {}-{} s with {} probe(s), maxAttempts {}, "
                        + "latency half-life {} s, route header {}, provider preference {}",
                s.failureThreshold(),
                s.openNanos() / 1e9,
                s.maxOpenNanos() / 1e9,
                s.halfOpenProbes(),
                s.maxAttempts(),
                s.halfLifeNanos() / 1e9,
                s.routeHeader() ? "on" : "off",
                s.providerPreference().isEmpty() ? "(none)" : String.join(", ", s.providerPreference()));
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
        registry.putProvider(model, properties);
    }

    public void updatedChatModel(ChatModel model, Map<String, ?> properties) {
        ServiceEntry<ChatModel> old = registry.provider(model);
        registry.putProvider(model, properties);
        ServiceEntry<ChatModel> now = registry.provider(model);
        if (old != null && now != null && !old.key().equals(now.key())) {
            router.providerLeft(model, old.key());
        }
    }

    public void unbindChatModel(ChatModel model, Map<String, ?> properties) {
        ServiceEntry<ChatModel> removed = registry.removeProvider(model);
        if (removed != null) {
            router.providerLeft(model, removed.key());
        }
    }

    @Reference(
            service = RouteConfigComponent.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindRouteConfig",
            updated = "updatedRouteConfig")
    public void bindRouteConfig(RouteConfigComponent config) {
        registry.putRouteConfig(config);
    }

    public void updatedRouteConfig(RouteConfigComponent config) {
        bindRouteConfig(config);
    }

    public void unbindRouteConfig(RouteConfigComponent config) {
        registry.removeRouteConfig(config);
    }

    @Reference(
            service = GatewayFilter.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindFilter",
            updated = "updatedFilter")
    public void bindFilter(GatewayFilter filter, Map<String, ?> properties) {
        synchronized (filterLock) {
            filters.put(filter, ServiceEntry.of(filter, "", properties, filterOrder.incrementAndGet()));
            rebuildFilters();
        }
    }

    public void updatedFilter(GatewayFilter filter, Map<String, ?> properties) {
        bindFilter(filter, properties);
    }

    public void unbindFilter(GatewayFilter filter, Map<String, ?> properties) {
        synchronized (filterLock) {
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
        registry.putEmbeddingModel(model, properties);
    }

    public void updatedEmbeddingModel(EmbeddingModel model, Map<String, ?> properties) {
        registry.putEmbeddingModel(model, properties);
    }

    public void unbindEmbeddingModel(EmbeddingModel model, Map<String, ?> properties) {
        registry.removeEmbeddingModel(model);
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
        return chain.head.embed(context, model, inputs == null ? List.of() : inputs);
    }

    @Override
    public TokenCount countTokens(CallContext context, ChatRequest request) {
        Objects.requireNonNull(context, "context");
        return chain.head.countTokens(context, Objects.requireNonNull(request, "request"));
    }

    @Override
    public List<ModelInfo> models() {
        return registry.refreshed().models();
    }

    @Override
    public List<Route> routes() {
        return registry.refreshed().routes();
    }

    @Override
    public List<TargetHealth> health() {
        Routing r = registry.refreshed();
        List<TargetHealth> out = new ArrayList<>(r.states.size());
        for (TargetState s : r.states.values()) {
            out.add(s.health(r.present(s.target), ticker));
        }
        return out;
    }

    /** The names of the filters in effect, in the order calls pass them. */
    List<String> filterNames() {
        return chain.names;
    }
}
