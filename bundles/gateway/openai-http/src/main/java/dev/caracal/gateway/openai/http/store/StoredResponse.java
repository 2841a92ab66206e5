package dev.caracal.gateway.openai.http.store;

import java.util.Objects;

/**
 * A response kept for its tenant: the {@code response} object as it was answered, and the conversation's input items
 * that produced it (the continued response's input and output items, then the request's own input), both as JSON
 * text.
 *
 * @param tenant    the tenant of the request that created it; only that tenant finds it
 * @param id        its {@code resp_...} id
 * @param createdAt when it was created, in seconds since the epoch (what retention counts from)
 * @param response  the {@code response} object, JSON
 * @param input     the input items, a JSON array
 */
public record StoredResponse(String tenant, String id, long createdAt, String response, String input) {
    public StoredResponse {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(input, "input");
    }

    /** What it takes to store, in characters of JSON. */
    public long size() {
        return (long) response.length() + input.length();
    }
}
