package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Route;
import dev.caracal.gateway.Target;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a route from its configuration properties ({@code name}, {@code aliases}, {@code prefix}, {@code strategy},
 * {@code targets}). List properties are comma-separated strings or arrays. A target is {@code provider/model},
 * split at the first {@code /} (model names may contain slashes), optionally followed by {@code *weight}; the model
 * {@code *} passes the requested model name through (useful for prefix routes).
 */
final class RouteParser {
    static final String NAME = "name";
    static final String ALIASES = "aliases";
    static final String PREFIX = "prefix";
    static final String STRATEGY = "strategy";
    static final String TARGETS = "targets";
    /** The target model that stands for the model the caller asked for. */
    static final String PASS_THROUGH = "*";

    static final int MAX_WEIGHT = 1_000_000;

    private RouteParser() {}

    static Route parse(Map<String, ?> properties, String source) {
        String name = single(properties, NAME);
        if (name == null || name.isBlank()) {
            throw new RouteConfigException(NAME, "is required (the model name clients ask for)");
        }
        name = name.trim();
        checkName(NAME, name);
        List<String> aliases = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        seen.add(name);
        for (String alias : list(properties, ALIASES)) {
            checkName(ALIASES, alias);
            if (seen.add(alias)) {
                aliases.add(alias);
            }
        }
        boolean prefix = bool(properties, PREFIX);
        Route.Strategy strategy = strategy(single(properties, STRATEGY));
        List<Target> targets = new ArrayList<>();
        for (String t : list(properties, TARGETS)) {
            targets.add(target(t));
        }
        if (targets.isEmpty()) {
            throw new RouteConfigException(TARGETS, "is required: a comma list of provider/model[*weight]");
        }
        if (strategy == Route.Strategy.WEIGHTED && targets.stream().allMatch(t -> t.weight() == 0)) {
            throw new RouteConfigException(TARGETS, "a weighted route needs at least one target with a weight above 0");
        }
        return new Route(name, aliases, prefix, strategy, targets, source);
    }

    /** Parses one {@code provider/model[*weight]} target; the weight defaults to 1. */
    static Target target(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new RouteConfigException(TARGETS, "'" + t + "' is not provider/model[*weight]");
        }
        String provider = t.substring(0, slash).trim();
        String model = t.substring(slash + 1).trim();
        int weight = 1;
        int star = model.lastIndexOf('*');
        if (star > 0) {
            String w = model.substring(star + 1).trim();
            model = model.substring(0, star).trim();
            try {
                weight = Integer.parseInt(w);
            } catch (NumberFormatException e) {
                weight = -1;
            }
            if (weight < 0 || weight > MAX_WEIGHT) {
                throw new RouteConfigException(
                        TARGETS, "'" + t + "': the weight after '*' must be an integer from 0 to " + MAX_WEIGHT);
            }
        }
        if (provider.isEmpty() || model.isEmpty() || (star == 0 && !model.equals(PASS_THROUGH))) {
            throw new RouteConfigException(TARGETS, "'" + t + "' is not provider/model[*weight]");
        }
        return new Target(provider, model, weight);
    }

    static Route.Strategy strategy(String value) {
        if (value == null || value.isBlank()) {
            return Route.Strategy.ORDERED;
        }
        switch (value.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "ordered":
                return Route.Strategy.ORDERED;
            case "weighted":
                return Route.Strategy.WEIGHTED;
            case "least-latency":
                return Route.Strategy.LEAST_LATENCY;
            default:
                throw new RouteConfigException(
                        STRATEGY, "'" + value.trim() + "' is not one of ordered, weighted, least-latency");
        }
    }

    private static void checkName(String property, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isWhitespace(name.charAt(i)) || Character.isISOControl(name.charAt(i))) {
                throw new RouteConfigException(property, "'" + name + "' must not contain whitespace");
            }
        }
    }

    private static boolean bool(Map<String, ?> properties, String key) {
        Object v = properties.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("false")) {
            return false;
        }
        if (s.equals("true")) {
            return true;
        }
        throw new RouteConfigException(key, "'" + v + "' is not true or false");
    }

    private static String single(Map<String, ?> properties, String key) {
        Object v = properties.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        List<String> values = list(properties, key);
        if (values.size() > 1) {
            throw new RouteConfigException(key, "takes one value, not " + values.size());
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** A comma list property: a string split at commas, or an array or collection of such strings. */
    static List<String> list(Map<String, ?> properties, String key) {
        Object v = properties.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof Object[] array) {
            for (Object o : array) {
                split(String.valueOf(o), out);
            }
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) {
                split(String.valueOf(o), out);
            }
        } else {
            split(v.toString(), out);
        }
        return out;
    }

    private static void split(String s, List<String> out) {
        for (String part : s.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
    }
}
