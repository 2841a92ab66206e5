package dev.caracal.llm.support;

import dev.caracal.llm.Capabilities;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A provider's model list, cached: {@link #models()} answers from the cache while it is fresh, else asks the
 * provider's {@code fetch} (the upstream's own list) and keeps the answer for the configured time to live. When the
 * fetch fails with an {@link LlmException}, the {@code fallback} (the configured models) is answered instead and kept
 * for at most {@link #FAILURE_TTL}, so that the upstream is asked again soon. Thread-safe (concurrent misses may
 * both fetch; the last answer stays).
 */
public final class ModelListCache {

    /** How long a fallback list is kept at the most after a failed fetch. */
    public static final Duration FAILURE_TTL = Duration.ofSeconds(30);

    private final String providerId;
    private final Duration ttl;
    private final Supplier<List<ModelInfo>> fetch;
    private final Supplier<List<ModelInfo>> fallback;
    private final Logger log;
    private volatile Cached cached;

    private record Cached(List<ModelInfo> models, long expiresAtNanos) {}

    /**
     * @param providerId names the provider in the debug line of a failed fetch
     * @param ttl        how long a fetched list is kept
     * @param fetch      the upstream's list; throws an {@link LlmException} when it cannot be had
     * @param fallback   the configured list, used when {@code fetch} fails
     * @param log        the provider's logger, for the debug line of a failed fetch
     */
    public ModelListCache(
            String providerId,
            Duration ttl,
            Supplier<List<ModelInfo>> fetch,
            Supplier<List<ModelInfo>> fallback,
            Logger log) {
        this.providerId = Objects.requireNonNull(providerId, "providerId");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.fetch = Objects.requireNonNull(fetch, "fetch");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The cached list while fresh, else the fetched one, else the fallback (see the class comment). */
    public List<ModelInfo> models() {
        Cached c = cached;
        long now = System.nanoTime();
        if (c != null && now - c.expiresAtNanos < 0) {
            return c.models;
        }
        List<ModelInfo> models;
        Duration keep = ttl;
        try {
            models = fetch.get();
        } catch (LlmException e) {
            log.debug(
                    "Listing the models of {} failed ({}: {}); using the configured list",
                    providerId,
                    e.kind(),
                    e.getMessage());
            models = fallback.get();
            keep = keep.compareTo(FAILURE_TTL) < 0 ? keep : FAILURE_TTL;
        }
        cached = new Cached(models, now + keep.toNanos());
        return models;
    }

    /**
     * One {@link ModelInfo} per distinct id, in first-seen order, with the capabilities {@code capabilities} judges
     * for it; an unmodifiable list.
     */
    public static List<ModelInfo> infos(
            Collection<String> ids, String providerId, Function<String, Capabilities> capabilities) {
        List<ModelInfo> out = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            out.add(new ModelInfo(id, providerId, capabilities.apply(id)));
        }
        return List.copyOf(out);
    }
}
