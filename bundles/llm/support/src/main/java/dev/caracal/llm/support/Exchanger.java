package dev.caracal.llm.support;

import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The transport of a provider's request/response calls ({@link HttpCalls#send}, {@link HttpCalls#sendAsync}): sends
 * one request and reads the whole answer. Streams do not use it (see {@link StreamingCall}). The request is described
 * as a {@link HttpRequest} whatever the transport: its method, URI, headers and an in-memory body (a
 * {@link HttpRequest.BodyPublishers#ofString} or {@code ofByteArray} publisher); its own timeout is not used, the
 * callers time the call. Made by {@link HttpCalls#newExchanger}. Thread-safe.
 */
public interface Exchanger extends AutoCloseable {

    /**
     * Sends {@code request}: the returned future completes with the body of a 2xx answer read as UTF-8, or fails with
     * what {@code errors} makes of another status, or with an I/O failure mapped by {@link HttpErrors#fromThrowable}
     * ({@code secret} redacted from its message). Completing the returned future first (a timeout, a cancel) aborts the
     * exchange. A request the transport cannot send gives a future already failed with the reason.
     */
    CompletableFuture<String> exchange(HttpRequest request, Secret secret, HttpCalls.ErrorMapper errors);

    /** Ends the calls in flight (they fail) and releases the connections and threads. */
    @Override
    void close();
}
