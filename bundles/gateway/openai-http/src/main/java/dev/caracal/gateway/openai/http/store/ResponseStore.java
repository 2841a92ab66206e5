package dev.caracal.gateway.openai.http.store;

import java.util.Optional;

/**
 * Where the Responses API keeps stored responses, per tenant: a response is found, listed and deleted only within
 * the tenant that created it, so another tenant's id is simply not found. Implementations are thread-safe; a write is
 * durable when the method returns.
 */
public interface ResponseStore {

    /**
     * Keeps {@code response}, replacing one of the same tenant and id.
     *
     * @throws ResponseStoreException when it is larger than {@link #maxChars()} or cannot be written
     */
    void save(StoredResponse response);

    /** The response {@code id} of {@code tenant}, if it is kept. */
    Optional<StoredResponse> find(String tenant, String id);

    /** Deletes the response {@code id} of {@code tenant}; whether there was one. */
    boolean delete(String tenant, String id);

    /** How many responses {@code tenant} has kept. */
    long count(String tenant);

    /** Deletes every response of {@code tenant}; how many there were. */
    long deleteAll(String tenant);

    /** Deletes every response, of every tenant, created before {@code epochSecond}; how many there were. */
    long purgeCreatedBefore(long epochSecond);

    /** The most characters of JSON one stored response may take ({@link StoredResponse#size()}). */
    long maxChars();
}
