package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Route;
import dev.caracal.gateway.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An immutable snapshot of what calls of one kind (chat, embeddings) need to pick targets: the configured routes by
 * name and alias, the prefix routes (longest first), and the implicit route of every model name the
 * {@link Upstreams} offer, each resolved to the services its targets reach. Rebuilt whenever a service or a route
 * configuration comes, changes or goes; calls read the current snapshot without locks.
 *
 * @param <S> the service the targets reach
 */
final class RouteTable<S> {
    /** The source of the implicit route of a model a chat provider lists. */
    static final String SOURCE_PROVIDER = "provider";
    /** The source of the implicit route of an embedding model's name. */
    static final String SOURCE_EMBEDDINGS = "embeddings";
    /** The source of the one-target route of an explicit {@code provider/model}. */
    static final String SOURCE_EXPLICIT = "explicit";

    final Upstreams<S> upstreams;
    final List<RoutePlan<S>> configured;
    private final Map<String, RoutePlan<S>> byName;
    private final List<RoutePlan<S>> prefixes;
    /** Implicit routes by model name, sorted. */
    final Map<String, RoutePlan<S>> implicit;
    /** The states of the targets, by {@code provider/model}, shared with the tables built with this one. */
    private final Map<String, TargetState> states;

    private RouteTable(
            Upstreams<S> upstreams,
            List<RoutePlan<S>> configured,
            Map<String, RoutePlan<S>> byName,
            List<RoutePlan<S>> prefixes,
            Map<String, RoutePlan<S>> implicit,
            Map<String, TargetState> states) {
        this.upstreams = upstreams;
        this.configured = configured;
        this.byName = byName;
        this.prefixes = prefixes;
        this.implicit = implicit;
        this.states = states;
    }

    /**
     * The routes that may be installed, sorted by configuration PID then name: a route whose name or an alias is
     * already taken by an earlier one is reported to {@code errors} and left out.
     */
    static List<Route> accepted(List<Route> routes, Consumer<String> errors) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing(Route::source).thenComparing(Route::name));
        Map<String, String> owner = new HashMap<>();
        List<Route> out = new ArrayList<>();
        for (Route route : sorted) {
            List<String> names = names(route);
            String clash = names.stream().filter(owner::containsKey).findFirst().orElse(null);
            if (clash != null) {
                errors.accept("Route configuration " + route.source() + " is not installed: property '"
                        + (clash.equals(route.name()) ? RouteParser.NAME : RouteParser.ALIASES) + "': the name '"
                        + clash + "' is already used by " + owner.get(clash));
                continue;
            }
            names.forEach(n -> owner.put(n, route.source()));
            out.add(route);
        }
        return List.copyOf(out);
    }

    private static List<String> names(Route route) {
        List<String> names = new ArrayList<>();
        names.add(route.name());
        names.addAll(route.aliases());
        return names;
    }

    /**
     * Builds a table of the {@link #accepted} {@code routes} and the implicit routes of {@code upstreams} (whose
     * {@link Route#source()} is {@code implicitSource}). Each target gets the state {@code states} holds for it, else
     * the one of the table being replaced ({@code previous}: breakers and averages survive), else a new one, which is
     * added to {@code states}; tables built into the same {@code states} share the state of a target. The table reads
     * {@code states} once built: it must not change after the last table is built into it.
     */
    static <S> RouteTable<S> build(
            Upstreams<S> upstreams,
            List<Route> routes,
            String implicitSource,
            Map<String, TargetState> previous,
            Map<String, TargetState> states) {
        Map<String, RoutePlan<S>> byName = new HashMap<>();
        List<RoutePlan<S>> configured = new ArrayList<>();
        List<RoutePlan<S>> prefixes = new ArrayList<>();
        for (Route route : routes) {
            RoutePlan<S> plan = plan(route, upstreams, previous, states);
            names(route).forEach(n -> byName.put(n, plan));
            configured.add(plan);
            if (route.prefix()) {
                prefixes.add(plan);
            }
        }
        configured.sort(Comparator.comparing(p -> p.route.name()));
        prefixes.sort(Comparator.comparingInt((RoutePlan<S> p) -> p.route.name().length())
                .reversed());
        Map<String, RoutePlan<S>> implicit = new LinkedHashMap<>();
        upstreams.implicitTargets().forEach((name, targets) -> {
            Route route = new Route(name, List.of(), false, Route.Strategy.ORDERED, targets, implicitSource);
            implicit.put(name, plan(route, upstreams, previous, states));
        });
        return new RouteTable<>(
                upstreams,
                List.copyOf(configured),
                byName,
                List.copyOf(prefixes),
                Collections.unmodifiableMap(implicit),
                states);
    }

    private static <S> RoutePlan<S> plan(
            Route route, Upstreams<S> upstreams, Map<String, TargetState> previous, Map<String, TargetState> states) {
        int n = route.targets().size();
        TargetState[] ts = new TargetState[n];
        List<S> services = new ArrayList<>(n);
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
            services.add(upstreams.find(t.providerId(), t.model()));
        }
        return new RoutePlan<>(route, ts, services, upstreams);
    }

    static String key(String providerId, String model) {
        return providerId + "/" + model;
    }

    /**
     * The route serving {@code name}: a configured route by name or alias; an explicit {@code provider/model} whose
     * service is present; the longest prefix route matching the name that {@code prefixServes} accepts; the implicit
     * route of the name. {@code null} when nothing matches.
     */
    RoutePlan<S> resolve(String name, Predicate<RoutePlan<S>> prefixServes) {
        RoutePlan<S> plan = byName.get(name);
        if (plan != null) {
            return plan;
        }
        plan = explicit(name);
        if (plan != null) {
            return plan;
        }
        for (RoutePlan<S> p : prefixes) {
            if (name.startsWith(p.route.name()) && prefixServes.test(p)) {
                return p;
            }
        }
        return implicit.get(name);
    }

    /** The configured route named (or aliased) {@code name}, or {@code null}. */
    RoutePlan<S> configured(String name) {
        return byName.get(name);
    }

    /**
     * The one-target route of an explicit {@code provider/model} (split at the first {@code /}) whose service is
     * present, or {@code null}. Its target shares the state the table tracks for it, if any.
     */
    RoutePlan<S> explicit(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            return null;
        }
        String providerId = name.substring(0, slash);
        String model = name.substring(slash + 1);
        S service = upstreams.find(providerId, model);
        if (service == null || RouteParser.PASS_THROUGH.equals(model)) {
            return null;
        }
        Target target = new Target(providerId, model, 1);
        TargetState state = states.get(key(providerId, model));
        if (state == null) {
            state = new TargetState(target); // a model no route lists: not tracked beyond this call
        }
        Route route = new Route(
                target.toString(), List.of(), false, Route.Strategy.ORDERED, List.of(target), SOURCE_EXPLICIT);
        return new RoutePlan<>(route, new TargetState[] {state}, Arrays.asList(service), upstreams);
    }

    /** The configured routes, then the implicit ones. */
    List<Route> routes() {
        List<Route> out = new ArrayList<>(configured.size() + implicit.size());
        configured.forEach(p -> out.add(p.route));
        implicit.values().forEach(p -> out.add(p.route));
        return out;
    }
}
