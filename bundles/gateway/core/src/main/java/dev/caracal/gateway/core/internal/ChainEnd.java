package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.gateway.TokenCount;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The end of the filter chain: finds the route of a call (the requested model, or what the
 * {@link CallContext#ROUTE_HEADER} names when the settings allow it) in the current {@link Routing}, and lets the
 * {@link Router} try its targets. Embedding calls, which pass no filter, find their route the same way. A name
 * without a route is a {@code NOT_FOUND} {@link GatewayException} that lists the names known for that kind of call.
 */
final class ChainEnd implements GatewayFilter.Chain {
    private final Registry registry;
    private final Router router;
    private final Supplier<Settings> settings;

    ChainEnd(Registry registry, Router router, Supplier<Settings> settings) {
        this.registry = registry;
        this.router = router;
        this.settings = settings;
    }

    @Override
    public ChatResponse complete(CallContext context, ChatRequest request) {
        Settings s = settings.get();
        RoutePlan<ChatModel> plan = resolve(context, request, s);
        return router.complete(context, request, plan, request.model(), s);
    }

    @Override
    public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
        Settings s = settings.get();
        RoutePlan<ChatModel> plan;
        try {
            plan = resolve(context, request, s);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return router.completeAsync(context, request, plan, request.model(), s);
    }

    @Override
    public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler) {
        Settings s = settings.get();
        RoutePlan<ChatModel> plan;
        try {
            plan = resolve(context, request, s);
        } catch (GatewayException e) {
            handler.onEvent(new StreamEvent.Error(e));
            return () -> {};
        }
        return router.stream(context, request, handler, plan, request.model(), s);
    }

    /**
     * Counts the input tokens of {@code request} with the first present target of its route whose provider can
     * count; an estimate when none can. A retryable failure of a provider's count moves on to the next target.
     */
    @Override
    public TokenCount countTokens(CallContext context, ChatRequest request) {
        Settings s = settings.get();
        RoutePlan<ChatModel> plan = resolve(context, request, s);
        for (int i = 0; i < plan.targets.length; i++) {
            String model = plan.upstreamModel(i, request.model());
            ChatModel provider = plan.service(i, model);
            if (provider == null) {
                continue;
            }
            try {
                java.util.OptionalLong n = provider.countTokens(request.withModel(model));
                if (n.isPresent()) {
                    context.setResponseHeader(CallContext.PROVIDER_HEADER, plan.targets[i].providerId());
                    return new TokenCount(n.getAsLong(), false, plan.targets[i].providerId());
                }
            } catch (LlmException e) {
                if (!e.retryable()) {
                    throw e;
                }
            }
        }
        return new TokenCount(dev.caracal.llm.TokenEstimate.inputTokens(request), true, null);
    }

    /** Embeds {@code inputs} with the route of {@code model}. */
    @Override
    public Embeddings embed(CallContext context, String model, List<String> inputs) {
        Settings s = settings.get();
        String name = routeName(context, model, s);
        Routing routing = registry.routing();
        RoutePlan<EmbeddingModel> plan = routing.embeddingPlan(name);
        if (plan == null) {
            routing = registry.refreshed();
            plan = routing.embeddingPlan(name);
        }
        if (plan == null) {
            String what = name == model ? "embedding model '" + name + "' is not available" : headerRouteMissing(name);
            throw notFound(what + "; known embedding models: " + Gateways.list(routing.embeddingNames()), context);
        }
        return router.embed(context, inputs, plan, model, s);
    }

    private RoutePlan<ChatModel> resolve(CallContext context, ChatRequest request, Settings s) {
        String name = routeName(context, request.model(), s);
        Routing routing = registry.routing();
        RoutePlan<ChatModel> plan = routing.chatPlan(name);
        if (plan == null) {
            routing = registry.refreshed();
            plan = routing.chatPlan(name);
        }
        if (plan == null) {
            String what = name == request.model() ? "model '" + name + "' has no route" : headerRouteMissing(name);
            throw notFound(what + "; known models: " + Gateways.list(routing.chatNames()), context);
        }
        return plan;
    }

    /** The requested {@code model}, or (the same string otherwise) the route the header names when allowed. */
    private static String routeName(CallContext context, String model, Settings s) {
        String header = s.routeHeader() ? context.header(CallContext.ROUTE_HEADER) : null;
        return header != null && !header.isBlank() ? header.trim() : model;
    }

    private static String headerRouteMissing(String name) {
        return "route '" + name + "' named by the " + CallContext.ROUTE_HEADER + " header does not exist";
    }

    private static GatewayException notFound(String message, CallContext context) {
        return new GatewayException(ErrorKind.NOT_FOUND, message, 0, null, null, false, context.attempts());
    }
}
