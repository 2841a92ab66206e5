package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Route;
import dev.caracal.gateway.Target;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything a call needs to find its targets, as one immutable snapshot: the chat providers and the
 * {@link RouteTable} of chat calls, the target states the table shares, and the model names clients can ask for.
 * Rebuilt (by the {@link Registry}) whenever a provider, a route configuration or a setting that orders targets
 * comes, changes or goes.
 */
final class Routing {
    /** The provider id under which configured routes appear in {@link #models()}. */
    static final String ROUTE_OWNER = "caracal";

    static final Routing EMPTY =
            build(new ChatUpstreams(Map.of(), List.of(), Map.of()), List.of(), Map.of(), msg -> {});

    final ChatUpstreams chatUpstreams;
    final RouteTable<ChatModel> chat;
    /** Every target of every route, by {@code provider/model}. */
    final Map<String, TargetState> states;

    private final List<ModelInfo> models;
    private final List<String> chatNames;

    private Routing(ChatUpstreams chatUpstreams, RouteTable<ChatModel> chat, Map<String, TargetState> states) {
        this.chatUpstreams = chatUpstreams;
        this.chat = chat;
        this.states = states;
        this.models = buildModels();
        List<String> names = new ArrayList<>();
        for (ModelInfo m : models) {
            names.add(m.id());
        }
        Collections.sort(names);
        this.chatNames = List.copyOf(names);
    }

    /**
     * Builds a snapshot. {@code previous} holds the target states of the snapshot being replaced; states of targets
     * still routed are kept (with their breakers and averages), the others dropped. Conflicting route names are
     * reported to {@code errors} and the later route (by configuration PID) is left out.
     */
    static Routing build(
            ChatUpstreams chatUpstreams,
            List<Route> routes,
            Map<String, TargetState> previous,
            Consumer<String> errors) {
        List<Route> accepted = RouteTable.accepted(routes, errors);
        Map<String, TargetState> states = new LinkedHashMap<>();
        RouteTable<ChatModel> chat =
                RouteTable.build(chatUpstreams, accepted, RouteTable.SOURCE_PROVIDER, previous, states);
        return new Routing(chatUpstreams, chat, Collections.unmodifiableMap(states));
    }

    /** The chat route serving {@code name}, or {@code null} when none does. */
    RoutePlan<ChatModel> chatPlan(String name) {
        return chat.resolve(name, p -> true);
    }

    /** Route names and aliases (prefix routes excepted), then every provider model, each name once. */
    List<ModelInfo> models() {
        return models;
    }

    /** The sorted names a chat call may ask for (prefix routes excepted). */
    List<String> chatNames() {
        return chatNames;
    }

    /** The configured routes, then the implicit route of every model a provider lists. */
    List<Route> routes() {
        return chat.routes();
    }

    /** Whether what {@code target} reaches is present. */
    boolean present(Target target) {
        return chatUpstreams.providers().containsKey(target.providerId());
    }

    /** Prefix routes are left out: their names are patterns, not models. */
    private List<ModelInfo> buildModels() {
        Map<String, ModelInfo> out = new LinkedHashMap<>();
        for (RoutePlan<ChatModel> p : chat.configured) {
            if (p.route.prefix()) {
                continue;
            }
            Target first = p.route.targets().get(0);
            Capabilities caps = chatUpstreams.capabilities(first.providerId(), first.model());
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
        return List.copyOf(out.values());
    }
}
