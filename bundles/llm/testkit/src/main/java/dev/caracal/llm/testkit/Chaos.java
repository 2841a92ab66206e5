package dev.caracal.llm.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * aimock's fault injection ("chaos"), for the whole server or one fixture. Rates are probabilities in [0, 1]; use 0 or
 * 1 for deterministic tests. aimock rolls them in this order and stops at the first hit: drop (HTTP 500
 * {@code server_error}), malformed (HTTP 200 with a body that is not JSON), rate limit (HTTP 429 with
 * {@code Retry-After: 1}), disconnect (the connection is destroyed before any response byte). {@code latencyMs} is a
 * fixed delay before the request is handled (at most 30000). {@code null} leaves a field unset.
 */
public record Chaos(
        Double dropRate, Double malformedRate, Double rateLimitRate, Double disconnectRate, Integer latencyMs) {

    public static final Chaos NONE = new Chaos(null, null, null, null, null);

    /** Every request answers HTTP 500. */
    public static Chaos drop() {
        return new Chaos(1.0, null, null, null, null);
    }

    /** Every request answers HTTP 200 with a malformed (non-JSON) body. */
    public static Chaos malformed() {
        return new Chaos(null, 1.0, null, null, null);
    }

    /** Every request answers HTTP 429 with {@code Retry-After: 1}. */
    public static Chaos rateLimit() {
        return new Chaos(null, null, 1.0, null, null);
    }

    /** Every request has its connection closed before any response byte. */
    public static Chaos disconnect() {
        return new Chaos(null, null, null, 1.0, null);
    }

    /** Every request waits {@code ms} before it is handled. */
    public static Chaos latency(int ms) {
        return new Chaos(null, null, null, null, ms);
    }

    public Chaos withLatencyMs(int ms) {
        return new Chaos(dropRate, malformedRate, rateLimitRate, disconnectRate, ms);
    }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (dropRate != null) {
            node.put("dropRate", dropRate);
        }
        if (malformedRate != null) {
            node.put("malformedRate", malformedRate);
        }
        if (rateLimitRate != null) {
            node.put("rateLimitRate", rateLimitRate);
        }
        if (disconnectRate != null) {
            node.put("disconnectRate", disconnectRate);
        }
        if (latencyMs != null) {
            node.put("latencyMs", latencyMs);
        }
        return node;
    }
}
