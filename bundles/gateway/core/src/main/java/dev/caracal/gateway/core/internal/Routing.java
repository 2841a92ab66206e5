package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.Route;
import dev.caracal.gateway.Target;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Everything a call needs to find its targets, as one immutable snapshot: the chat providers and embedding models
 * present, a {@link RouteTable} for each kind of call built from the same configured routes, the target states both
 * share, and the model names clients can ask for. A name resolves for the kind of call it is asked for; a route or
 * model of the other kind is refused with a 400 that says so. Rebuilt (by the {@link Registry}) whenever a service, a
 * route configuration or a setting that orders targets comes, changes or goes.
 */
final class Routing {
    /** The provider id under which configured routes appear in {@link #models()}. */
    static final String ROUTE_OWNER = "caracal";

    static final Routing EMPTY = build(
            new ChatUpstreams(Map.of(), List.of(), Map.of()),
            new EmbeddingUpstreams(List.of()),
            List.of(),
            Map.of(),
            msg -> {});

    final ChatUpstreams chatUpstreams;
    final EmbeddingUpstreams embeddingUpstreams;
    final RouteTable<ChatModel> chat;
    final RouteTable<EmbeddingModel> embeddings;
    /** Every target of every route of both tables, by {@code provider/model}. */
    final Map<String, TargetState> states;

    private final List<ModelInfo> models;
    private final List<String> chatNames;
    private final List<String> embeddingNames;

    private Routing(
            ChatUpstreams chatUpstreams,
            EmbeddingUpstreams embeddingUpstreams,
            RouteTable<ChatModel> chat,
            RouteTable<EmbeddingModel> embeddings,
            Map<String, TargetState> states) {
        this.chatUpstreams = chatUpstreams;
        this.embeddingUpstreams = embeddingUpstreams;
        this.chat = chat;
        this.embeddings = embeddings;
        this.states = states;
        this.models = buildModels();
        TreeSet<String> chatNames = new TreeSet<>();
        for (ModelInfo m : models) {
            if (!m.capabilities().embeddings()) {
                chatNames.add(m.id());
            }
        }
        this.chatNames = List.copyOf(chatNames);
        this.embeddingNames = List.copyOf(new TreeSet<>(embeddingNamesRouted()));
    }

    /**
     * Builds a snapshot. {@code previous} holds the target states of the snapshot being replaced; states of targets
     * still routed are kept (with their breakers and averages), the others dropped. Conflicting route names are
     * reported to {@code errors} and the later route (by configuration PID) is left out.
     */
    static Routing build(
            ChatUpstreams chatUpstreams,
            EmbeddingUpstreams embeddingUpstreams,
            List<Route> routes,
            Map<String, TargetState> previous,
            Consumer<String> errors) {
        List<Route> accepted = RouteTable.accepted(routes, errors);
        Map<String, TargetState> states = new LinkedHashMap<>();
        RouteTable<ChatModel> chat =
                RouteTable.build(chatUpstreams, accepted, RouteTable.SOURCE_PROVIDER, previous, states);
        RouteTable<EmbeddingModel> embeddings =
                RouteTable.build(embeddingUpstreams, accepted, RouteTable.SOURCE_EMBEDDINGS, previous, states);
        return new Routing(chatUpstreams, embeddingUpstreams, chat, embeddings, Collections.unmodifiableMap(states));
    }

    /**
     * The chat route serving {@code name}, or {@code null} when no route of either kind does. A name whose targets
     * are all embedding models (that their providers do not list as chat models) is refused: INVALID_REQUEST.
     */
    RoutePlan<ChatModel> chatPlan(String name) {
        RoutePlan<ChatModel> plan = chat.resolve(name, p -> true);
        if (plan == null) {
            if (embeddings.resolve(name, p -> reachesEmbeddings(p, name)) != null) {
                throw wrongKind("model '" + name + "' is an embedding model, not a chat model: use it for embeddings");
            }
            return null;
        }
        for (int i = 0; i < plan.targets.length; i++) {
            if (!embeddingOnly(plan.targets[i].providerId(), plan.upstreamModel(i, name))) {
                return plan;
            }
        }
        throw wrongKind(describe(plan, name) + " is served by embedding models (" + targets(plan)
                + "), not by chat models: use it for embeddings");
    }

    /**
     * The embedding route serving {@code name}, or {@code null} when no route of either kind does: a configured
     * route by name or alias; an embedding model's {@code provider/model}; the longest prefix route that reaches an
     * embedding model for the name; the implicit route of the model name. A configured route none of whose targets
     * is an embedding model while one of their chat providers is present, and a name that only chat routes serve, are
     * refused: INVALID_REQUEST.
     */
    RoutePlan<EmbeddingModel> embeddingPlan(String name) {
        RoutePlan<EmbeddingModel> plan = embeddings.configured(name);
        if (plan != null) {
            if (!reachesEmbeddings(plan, name) && reachesChat(plan)) {
                throw wrongKind("route '" + name + "' is served by chat models (" + targets(plan)
                        + "), not by embedding models; known embedding models: " + Gateways.list(embeddingNames));
            }
            return plan;
        }
        plan = embeddings.resolve(name, p -> reachesEmbeddings(p, name));
        if (plan == null && chat.resolve(name, p -> true) != null) {
            throw wrongKind("model '" + name + "' is not an embedding model (it is routed to chat models); "
                    + "known embedding models: " + Gateways.list(embeddingNames));
        }
        return plan;
    }

    /** Whether a target of {@code plan} reaches an embedding model for the requested {@code name}. */
    private boolean reachesEmbeddings(RoutePlan<EmbeddingModel> plan, String name) {
        for (int i = 0; i < plan.targets.length; i++) {
            if (embeddingUpstreams.find(plan.targets[i].providerId(), plan.upstreamModel(i, name)) != null) {
                return true;
            }
        }
        return false;
    }

    private boolean reachesChat(RoutePlan<?> plan) {
        for (Target t : plan.targets) {
            if (chatUpstreams.find(t.providerId(), t.model()) != null) {
                return true;
            }
        }
        return false;
    }

    /** An embedding model that its provider does not list as a chat model as well. */
    private boolean embeddingOnly(String providerId, String model) {
        if (embeddingUpstreams.find(providerId, model) == null) {
            return false;
        }
        Capabilities listed = chatUpstreams.capabilities(providerId, model);
        return listed == null || listed.embeddings();
    }

    /** {@code name} as the client meant it: a configured route's name or alias, or a model. */
    private static String describe(RoutePlan<?> plan, String name) {
        return switch (plan.route.source()) {
            case RouteTable.SOURCE_PROVIDER, RouteTable.SOURCE_EXPLICIT -> "model '" + name + "'";
            default -> "route '" + name + "'";
        };
    }

    private static String targets(RoutePlan<?> plan) {
        List<String> out = new ArrayList<>();
        for (Target t : plan.targets) {
            out.add(t.toString());
        }
        return String.join(", ", out);
    }

    private static GatewayException wrongKind(String message) {
        return new GatewayException(ErrorKind.INVALID_REQUEST, message, 0, null, null, false, List.of());
    }

    /**
     * Configured routes and their aliases (prefix routes excepted), then every model a chat provider lists, then every
     * embedding model's name, each name once. A route that reaches an embedding model is listed as one.
     */
    List<ModelInfo> models() {
        return models;
    }

    /** The sorted names a chat call may ask for (prefix routes excepted). */
    List<String> chatNames() {
        return chatNames;
    }

    /** The sorted names an embedding call may ask for (prefix routes excepted). */
    List<String> embeddingNames() {
        return embeddingNames;
    }

    /**
     * The configured routes, then the implicit route of every model a chat provider lists, then the implicit route of
     * every embedding model's name.
     */
    List<Route> routes() {
        List<Route> out = chat.routes();
        embeddings.implicit.values().forEach(p -> out.add(p.route));
        return out;
    }

    /** Whether what {@code target} reaches, a chat provider or an embedding model, is present. */
    boolean present(Target target) {
        return chatUpstreams.find(target.providerId(), target.model()) != null
                || embeddingUpstreams.find(target.providerId(), target.model()) != null;
    }

    /** Prefix routes are left out: their names are patterns, not models. */
    private List<ModelInfo> buildModels() {
        Map<String, ModelInfo> out = new LinkedHashMap<>();
        for (RoutePlan<EmbeddingModel> p : embeddings.configured) {
            if (p.route.prefix()) {
                continue;
            }
            Target first = p.route.targets().get(0);
            Capabilities caps = reachesEmbeddings(p, p.route.name())
                    ? embeddingCapabilities(p)
                    : chatUpstreams.capabilities(first.providerId(), first.model());
            out.putIfAbsent(p.route.name(), new ModelInfo(p.route.name(), ROUTE_OWNER, caps));
            for (String alias : p.route.aliases()) {
                out.putIfAbsent(alias, new ModelInfo(alias, ROUTE_OWNER, caps));
            }
        }
        for (String id : chatUpstreams.order()) {
            for (ModelInfo m : chatUpstreams.listing(id)) {
                out.putIfAbsent(m.id(), m);
            }
        }
        for (ModelInfo m : embeddingUpstreams.models()) {
            out.putIfAbsent(m.id(), m);
        }
        return List.copyOf(out.values());
    }

    /** The capabilities of the first embedding model a route reaches. */
    private Capabilities embeddingCapabilities(RoutePlan<EmbeddingModel> plan) {
        for (int i = 0; i < plan.targets.length; i++) {
            EmbeddingModel m = plan.service(i, plan.upstreamModel(i, plan.route.name()));
            if (m != null) {
                return EmbeddingUpstreams.capabilities(m);
            }
        }
        return EmbeddingUpstreams.EMBEDDING;
    }

    /** The names an embedding call resolves: configured routes reaching an embedding model, and the model names. */
    private List<String> embeddingNamesRouted() {
        List<String> out = new ArrayList<>(embeddings.implicit.keySet());
        for (RoutePlan<EmbeddingModel> p : embeddings.configured) {
            if (!p.route.prefix() && reachesEmbeddings(p, p.route.name())) {
                out.add(p.route.name());
                out.addAll(p.route.aliases());
            }
        }
        return out;
    }
}
