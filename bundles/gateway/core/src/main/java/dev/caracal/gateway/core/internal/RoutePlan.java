package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Route;
import dev.caracal.gateway.Target;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A route ready to serve: its targets with their shared {@link TargetState}s and the service each target reaches
 * ({@code S}: a chat provider, an embedding model; {@code null} while it is absent), resolved when the route table
 * was built. Immutable; a service arriving or leaving builds a new table, so a call never looks a provider up by
 * name. The one exception is a pass-through target ({@code provider/*}) whose service depends on the model asked
 * for (an embedding model): it is looked up in the {@link Upstreams} of the table per call.
 *
 * @param <S> the service type the targets reach
 */
final class RoutePlan<S> {
    final Route route;
    final Target[] targets;
    final TargetState[] states;
    private final List<S> services;
    private final Upstreams<S> upstreams;
    /** Indexes in listed order (shared, never modified). */
    private final int[] listed;
    /** Indexes by descending weight, ties in listed order. */
    private final int[] byWeight;

    /** {@code services} in target order, {@code null} for a target whose service is absent. */
    RoutePlan(Route route, TargetState[] states, List<S> services, Upstreams<S> upstreams) {
        this.route = route;
        this.targets = route.targets().toArray(new Target[0]);
        this.states = states;
        this.services = services;
        this.upstreams = upstreams;
        int n = targets.length;
        listed = new int[n];
        for (int i = 0; i < n; i++) {
            listed[i] = i;
        }
        byWeight = listed.clone();
        for (int i = 1; i < n; i++) { // stable insertion sort, routes are short
            int v = byWeight[i];
            int j = i - 1;
            while (j >= 0 && targets[byWeight[j]].weight() < targets[v].weight()) {
                byWeight[j + 1] = byWeight[j];
                j--;
            }
            byWeight[j + 1] = v;
        }
    }

    /** The upstream model to ask target {@code i} for, given the model name the caller asked for. */
    String upstreamModel(int i, String requested) {
        String m = targets[i].model();
        return RouteParser.PASS_THROUGH.equals(m) ? requested : m;
    }

    /** The service target {@code i} reaches for upstream model {@code model}, or {@code null} when it is absent. */
    S service(int i, String model) {
        S s = services.get(i);
        if (s != null || !RouteParser.PASS_THROUGH.equals(targets[i].model())) {
            return s;
        }
        return upstreams.find(targets[i].providerId(), model);
    }

    /** Why a target without a service is skipped ({@code provider not present}, ...). */
    String absence() {
        return upstreams.absence();
    }

    /** Whether target {@code i} may have a service: one present, or a pass-through one looked up per call. */
    private boolean reachable(int i) {
        return services.get(i) != null || RouteParser.PASS_THROUGH.equals(targets[i].model());
    }

    /** The order in which to try the targets for one call (read-only; may be shared between calls). */
    int[] order(long now, Settings settings) {
        if (targets.length == 1) {
            return listed;
        }
        return switch (route.strategy()) {
            case ORDERED -> listed;
            case WEIGHTED -> weighted(now, settings);
            case LEAST_LATENCY -> leastLatency();
        };
    }

    private boolean usable(int i, long now, Settings settings) {
        return reachable(i) && states[i].breaker.allows(now, settings);
    }

    /** The first target drawn by weight among the usable ones, then the others by descending weight. */
    private int[] weighted(long now, Settings settings) {
        int n = targets.length;
        long total = 0;
        for (int i = 0; i < n; i++) {
            if (usable(i, now, settings)) {
                total += targets[i].weight();
            }
        }
        int first = -1;
        if (total > 0) {
            long r = ThreadLocalRandom.current().nextLong(total);
            for (int i = 0; i < n; i++) {
                if (usable(i, now, settings)) {
                    r -= targets[i].weight();
                    if (r < 0) {
                        first = i;
                        break;
                    }
                }
            }
        }
        if (first < 0 || first == byWeight[0]) {
            return byWeight;
        }
        int[] out = new int[n];
        out[0] = first;
        int k = 1;
        for (int i : byWeight) {
            if (i != first) {
                out[k++] = i;
            }
        }
        return out;
    }

    /**
     * Untried targets first (so each gets measured), then by ascending latency average, then targets tried that never
     * succeeded; ties keep the listed order.
     */
    private int[] leastLatency() {
        int n = targets.length;
        double[] key = new double[n];
        for (int i = 0; i < n; i++) {
            TargetState s = states[i];
            key[i] = !s.tried() ? -1 : s.hasLatency() ? s.latencyMillis() : Double.MAX_VALUE;
        }
        int[] out = listed.clone();
        for (int i = 1; i < n; i++) {
            int v = out[i];
            int j = i - 1;
            while (j >= 0 && key[out[j]] > key[v]) {
                out[j + 1] = out[j];
                j--;
            }
            out[j + 1] = v;
        }
        return out;
    }
}
