package dev.caracal.llm.support;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The JDK's {@link HttpClient} as an {@link Exchanger}: the exchange's steps and the response body run on the client's
 * selector thread (no pool thread between them); the JDK then completes the future {@link HttpClient#sendAsync}
 * returns on the {@link CompletableFuture} default executor, so dependent stages run there. Selected with
 * {@code -Dcaracal.upstream.client=jdk} (see {@link HttpCalls#newExchanger}).
 */
final class JdkExchanger implements Exchanger {
    private final HttpClient http;

    JdkExchanger(Duration connectTimeout) {
        this(HttpCalls.newExchangeClient(connectTimeout));
    }

    JdkExchanger(HttpClient http) {
        this.http = http;
    }

    @Override
    public CompletableFuture<String> exchange(HttpRequest request, Secret secret, HttpCalls.ErrorMapper errors) {
        CompletableFuture<String> call = new CompletableFuture<>();
        CompletableFuture<HttpResponse<String>> exchange;
        try {
            exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) { // a request the client cannot send: the caller's mistake, as thrown
            call.completeExceptionally(e);
            return call;
        }
        exchange.whenComplete((response, failure) -> {
            try {
                if (failure != null) {
                    call.completeExceptionally(HttpErrors.fromThrowable(failure, secret));
                } else if (response.statusCode() / 100 != 2) {
                    call.completeExceptionally(errors.map(response.statusCode(), response.headers(), response.body()));
                } else {
                    call.complete(response.body());
                }
            } catch (RuntimeException e) { // the error mapper failed: still end the call
                call.completeExceptionally(HttpErrors.fromThrowable(e, secret));
            }
        });
        call.whenComplete((body, failure) -> {
            if (failure != null && !exchange.isDone()) {
                exchange.cancel(true);
            }
        });
        return call;
    }

    @Override
    public void close() {
        // JDK 17's HttpClient has no close: its selector thread ends once the client is unreachable
    }

    @Override
    public String toString() {
        return "jdk";
    }
}
