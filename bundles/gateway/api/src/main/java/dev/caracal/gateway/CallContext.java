package dev.caracal.gateway;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One call through the gateway: who made it ({@code ingress}: {@code openai}, {@code anthropic}, {@code console}),
 * its id, the request headers an ingress passes on (names lower-case, credentials removed), attributes that filters
 * set for later filters (a tenant, a budget key), headers filters want on the client's answer, and, filled in by the
 * router, the attempts made.
 */
public final class CallContext {
    /** A header that names a route or a target ({@code provider/model}) to use instead of the request's model. */
    public static final String ROUTE_HEADER = "x-caracal-route";

    /**
     * The response header that names the provider instance ({@code caracal.provider.id}; {@code local} for an
     * embedded model) that served the call: the router sets it when a target answers, or when a stream commits to a
     * target, so after a fallback it names the target that served, not the first one tried.
     *
     * @since 1.4
     */
    public static final String PROVIDER_HEADER = "x-caracal-provider";

    private final String requestId;
    private final String ingress;
    private final Map<String, String> headers;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Map<String, String> responseHeaders = new ConcurrentHashMap<>();

    public CallContext(String requestId, String ingress, Map<String, String> headers) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.ingress = Objects.requireNonNull(ingress, "ingress");
        Map<String, String> h = new ConcurrentHashMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (k != null && v != null) {
                    h.put(k.toLowerCase(Locale.ROOT), v);
                }
            });
        }
        this.headers = Map.copyOf(h);
    }

    public String requestId() {
        return requestId;
    }

    public String ingress() {
        return ingress;
    }

    /** A request header by lower-case name, or {@code null}. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Attributes shared by the filters of this call. */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /**
     * Asks the ingress to send {@code name: value} with the answer to the client: a rate limit's remaining budget, a
     * cache's verdict. HTTP ingresses send these headers on a success and on a refusal alike, and on a stream before
     * its first event; a header set after the answer has started is not sent. A later value replaces an earlier one.
     */
    public void setResponseHeader(String name, String value) {
        responseHeaders.put(name.toLowerCase(Locale.ROOT), Objects.requireNonNull(value, "value"));
    }

    /** The headers filters asked to send with the answer (names lower-case); a read-only view. */
    public Map<String, String> responseHeaders() {
        return java.util.Collections.unmodifiableMap(responseHeaders);
    }

    /** The attempts the router made so far, in order (the last one served the call if it succeeded). */
    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Called by the router. */
    public void recordAttempt(Attempt attempt) {
        attempts.add(Objects.requireNonNull(attempt, "attempt"));
    }
}
