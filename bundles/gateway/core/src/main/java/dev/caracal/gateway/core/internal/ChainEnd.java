package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The end of the filter chain: finds the route of a call (the requested model, or what the
 * {@link CallContext#ROUTE_HEADER} names when the settings allow it) in the current {@link Routing}, and lets the
 * {@link Router} try its targets. A name without a route is a {@code NOT_FOUND} {@link GatewayException} that lists
 * the names known.
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

    private RoutePlan<ChatModel> resolve(CallContext context, ChatRequest request, Settings s) {
        String header = s.routeHeader() ? context.header(CallContext.ROUTE_HEADER) : null;
        String name = header != null && !header.isBlank() ? header.trim() : request.model();
        Routing routing = registry.routing();
        RoutePlan<ChatModel> plan = routing.chatPlan(name);
        if (plan == null) {
            routing = registry.refreshed();
            plan = routing.chatPlan(name);
        }
        if (plan == null) {
            String what = name == request.model()
                    ? "model '" + name + "' has no route"
                    : "route '" + name + "' named by the " + CallContext.ROUTE_HEADER + " header does not exist";
            throw new GatewayException(
                    ErrorKind.NOT_FOUND,
                    what + "; known models: " + Gateways.list(routing.chatNames()),
                    0,
                    null,
                    null,
                    false,
                    context.attempts());
        }
        return plan;
    }
}
