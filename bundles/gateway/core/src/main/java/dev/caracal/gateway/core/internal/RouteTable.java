package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Route;
import dev.caracal.gateway.Target;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An immutable snapshot of everything a call needs to pick targets: the providers present, the configured routes by
 * name and alias, the prefix routes (longest first) and the implicit route of every model a provider lists. Rebuilt
 * whenever a provider or a route configuration comes, changes or goes; calls read the current snapshot without locks.
 */
final class RouteTable {
    /** The provider id under which configured routes appear in {@link #models()}. */
    static final String ROUTE_OWNER = "caracal";

    static final String SOURCE_PROVIDER = "provider";
    static final String SOURCE_EXPLICIT = "explicit";

    static final RouteTable EMPTY = build(Map.of(), Map.of(), List.of(), new HashMap<>(), msg -> {});

    /** Providers by id (sorted). */
    final Map<String, ChatModel> providers;
    /** The models each provider listed when the table was built. */
    final Map<String, List<ModelInfo>> providerModels;

    final List<RoutePlan> configured;
    private final Map<String, RoutePlan> byName;
    private final RoutePlan[] prefixes;
    /** Implicit routes by model, sorted. */
    final Map<String, RoutePlan> implicit;
    /** Every target of every route, by {@code provider/model}. */
    final Map<String, TargetState> states;

    private final List<ModelInfo> models;
    private final List<String> modelNames;

    private RouteTable(
            Map<String, ChatModel> providers,
            Map<String, List<ModelInfo>> providerModels,
            List<RoutePlan> configured,
            Map<String, RoutePlan> byName,
            RoutePlan[] prefixes,
            Map<String, RoutePlan> implicit,
            Map<String, TargetState> states) {
        this.providers = providers;
        this.providerModels = providerModels;
        this.configured = configured;
        this.byName = byName;
        this.prefixes = prefixes;
        this.implicit = implicit;
        this.states = states;
        this.models = buildModels();
        List<String> names = new ArrayList<>();
        for (ModelInfo m : models) {
            names.add(m.id());
        }
        Collections.sort(names);
        this.modelNames = List.copyOf(names);
    }

    /**
     * Builds a table. {@code previous} holds the target states of the table being replaced; states of targets still
     * routed are kept (with their breakers and averages), the others dropped. Conflicting route names are reported to
     * {@code errors} and the later route (by configuration PID) is left out.
     */
    static RouteTable build(
            Map<String, ChatModel> providers,
            Map<String, List<ModelInfo>> providerModels,
            List<Route> routes,
            Map<String, TargetState> previous,
            Consumer<String> errors) {
        Map<String, ChatModel> sortedProviders = Collections.unmodifiableMap(new TreeMap<>(providers));
        Map<String, TargetState> states = new LinkedHashMap<>();
        List<Route> sortedRoutes = new ArrayList<>(routes);
        sortedRoutes.sort(Comparator.comparing(Route::source).thenComparing(Route::name));
        Map<String, RoutePlan> byName = new HashMap<>();
        Map<String, String> owner = new HashMap<>();
        List<RoutePlan> configured = new ArrayList<>();
        List<RoutePlan> prefixes = new ArrayList<>();
        for (Route route : sortedRoutes) {
            String clash = null;
            List<String> names = new ArrayList<>();
            names.add(route.name());
            names.addAll(route.aliases());
            for (String n : names) {
                if (owner.containsKey(n)) {
                    clash = n;
                    break;
                }
            }
            if (clash != null) {
                errors.accept("Route configuration " + route.source() + " is not installed: property '"
                        + (clash.equals(route.name()) ? RouteParser.NAME : RouteParser.ALIASES) + "': the name '"
                        + clash + "' is already used by " + owner.get(clash));
                continue;
            }
            RoutePlan plan = plan(route, sortedProviders, previous, states);
            for (String n : names) {
                owner.put(n, route.source());
                byName.put(n, plan);
            }
            configured.add(plan);
            if (route.prefix()) {
                prefixes.add(plan);
            }
        }
        configured.sort(Comparator.comparing(p -> p.route.name()));
        prefixes.sort(Comparator.comparingInt((RoutePlan p) -> p.route.name().length())
                .reversed());

        Map<String, List<Target>> implicitTargets = new TreeMap<>();
        Map<String, List<ModelInfo>> listed = new TreeMap<>();
        for (Map.Entry<String, ChatModel> e : sortedProviders.entrySet()) {
            List<ModelInfo> ms = providerModels.getOrDefault(e.getKey(), List.of());
            listed.put(e.getKey(), ms);
            Set<String> seen = new LinkedHashSet<>();
            for (ModelInfo m : ms) {
                if (seen.add(m.id())) {
                    implicitTargets
                            .computeIfAbsent(m.id(), k -> new ArrayList<>())
                            .add(new Target(e.getKey(), m.id(), 1));
                }
            }
        }
        Map<String, RoutePlan> implicit = new LinkedHashMap<>();
        for (Map.Entry<String, List<Target>> e : implicitTargets.entrySet()) {
            Route route =
                    new Route(e.getKey(), List.of(), false, Route.Strategy.ORDERED, e.getValue(), SOURCE_PROVIDER);
            implicit.put(e.getKey(), plan(route, sortedProviders, previous, states));
        }
        return new RouteTable(
                sortedProviders,
                Collections.unmodifiableMap(listed),
                List.copyOf(configured),
                byName,
                prefixes.toArray(new RoutePlan[0]),
                Collections.unmodifiableMap(implicit),
                Collections.unmodifiableMap(states));
    }

    private static RoutePlan plan(
            Route route,
            Map<String, ChatModel> providers,
            Map<String, TargetState> previous,
            Map<String, TargetState> states) {
        int n = route.targets().size();
        TargetState[] ts = new TargetState[n];
        ChatModel[] ms = new ChatModel[n];
        for (int i = 0; i < n; i++) {
            Target t = route.targets().get(i);
            String key = key(t.providerId(), t.model());
            TargetState s = states.get(key);
            if (s == null) {
                s = previous.get(key);
                if (s == null) {
                    s = new TargetState(new Target(t.providerId(), t.model(), 1));
                }
                states.put(key, s);
            }
            ts[i] = s;
            ms[i] = providers.get(t.providerId());
        }
        return new RoutePlan(route, ts, ms);
    }

    static String key(String providerId, String model) {
        return providerId + "/" + model;
    }

    /**
     * The route serving {@code name}: a configured route by name or alias; an explicit {@code provider/model} of a
     * registered provider; the longest matching prefix route; the implicit route of the providers listing the model.
     * {@code null} when nothing matches.
     */
    RoutePlan resolve(String name) {
        RoutePlan plan = byName.get(name);
        if (plan != null) {
            return plan;
        }
        int slash = name.indexOf('/');
        if (slash > 0 && slash < name.length() - 1) {
            plan = explicit(name.substring(0, slash), name.substring(slash + 1));
            if (plan != null) {
                return plan;
            }
        }
        for (RoutePlan p : prefixes) {
            if (name.startsWith(p.route.name())) {
                return p;
            }
        }
        return implicit.get(name);
    }

    private RoutePlan explicit(String providerId, String model) {
        ChatModel provider = providers.get(providerId);
        if (provider == null || RouteParser.PASS_THROUGH.equals(model)) {
            return null;
        }
        Target target = new Target(providerId, model, 1);
        TargetState state = states.get(key(providerId, model));
        if (state == null) {
            state = new TargetState(target); // a model the provider does not list: not tracked beyond this call
        }
        Route route = new Route(
                target.toString(), List.of(), false, Route.Strategy.ORDERED, List.of(target), SOURCE_EXPLICIT);
        return new RoutePlan(route, new TargetState[] {state}, new ChatModel[] {provider});
    }

    /** Route names and aliases (prefix routes excepted), then every provider model, each name once. */
    List<ModelInfo> models() {
        return models;
    }

    /** The sorted names of {@link #models()}. */
    List<String> modelNames() {
        return modelNames;
    }

    List<Route> routes() {
        List<Route> out = new ArrayList<>(configured.size() + implicit.size());
        for (RoutePlan p : configured) {
            out.add(p.route);
        }
        for (RoutePlan p : implicit.values()) {
            out.add(p.route);
        }
        return out;
    }

    /** Prefix routes are left out: their names are patterns, not models. */
    private List<ModelInfo> buildModels() {
        Map<String, ModelInfo> out = new LinkedHashMap<>();
        for (RoutePlan p : configured) {
            if (p.route.prefix()) {
                continue;
            }
            Capabilities caps = capabilitiesOf(p.route.targets().get(0));
            out.putIfAbsent(p.route.name(), new ModelInfo(p.route.name(), ROUTE_OWNER, caps));
            for (String alias : p.route.aliases()) {
                out.putIfAbsent(alias, new ModelInfo(alias, ROUTE_OWNER, caps));
            }
        }
        for (List<ModelInfo> ms : providerModels.values()) {
            for (ModelInfo m : ms) {
                out.putIfAbsent(m.id(), m);
            }
        }
        return List.copyOf(out.values());
    }

    private Capabilities capabilitiesOf(Target target) {
        for (ModelInfo m : providerModels.getOrDefault(target.providerId(), List.of())) {
            if (m.id().equals(target.model())) {
                return m.capabilities();
            }
        }
        return null;
    }
}
