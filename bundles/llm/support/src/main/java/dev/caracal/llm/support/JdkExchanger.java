package dev.caracal.llm.support;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The JDK's {@link HttpClient} as an {@link Exchanger}. For exchanges, the steps and the response body run on the
 * client's selector thread (no pool thread between them); the JDK then completes the future
 * {@link HttpClient#sendAsync} returns on the {@link CompletableFuture} default executor, so dependent stages run
 * there. Streams use a second client whose steps run on the JDK's worker pool ({@link HttpCalls#newClient}): their
 * readers may block on a slow client, which must not stall the selector. Selected with
 * {@code -Dcaracal.upstream.client=jdk} (see {@link HttpCalls#newExchanger}).
 */
final class JdkExchanger implements Exchanger {
    private final HttpClient http;
    private final HttpClient streams;

    JdkExchanger(Duration connectTimeout) {
        this(HttpCalls.newExchangeClient(connectTimeout), HttpCalls.newClient(connectTimeout));
    }

    /** Over one client, for exchanges and streams (its steps must run on a pool for streams). */
    JdkExchanger(HttpClient http) {
        this(http, http);
    }

    private JdkExchanger(HttpClient http, HttpClient streams) {
        this.http = http;
        this.streams = streams;
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
    public Reading stream(HttpRequest request, LineReader reader) {
        JdkLines lines = new JdkLines(reader);
        HttpResponse.BodyHandler<String> body = info -> reader.head(info)
                ? HttpResponse.BodySubscribers.fromLineSubscriber(
                        lines, s -> (String) null, StandardCharsets.UTF_8, null)
                : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        CompletableFuture<HttpResponse<String>> exchange = streams.sendAsync(request, body);
        exchange.whenComplete((response, failure) -> {
            if (failure != null) {
                if (!lines.subscribed()) { // failed before the body: the line subscriber never heard of it
                    reader.failed(failure);
                }
            } else if (!lines.subscribed()) {
                reader.whole(response.body());
            }
        });
        return () -> {
            if (!lines.cancel()) {
                exchange.cancel(true);
            }
        };
    }

    @Override
    public void close() {
        // JDK 17's HttpClient has no close: its selector thread ends once the client is unreachable
    }

    @Override
    public String toString() {
        return "jdk";
    }

    /** The body of a streamed answer read line by line, handed to the reader. */
    private static final class JdkLines implements Flow.Subscriber<String> {
        private final LineReader reader;
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        JdkLines(LineReader reader) {
            this.reader = reader;
        }

        boolean subscribed() {
            return subscription != null;
        }

        /** Cancels the body's subscription; false when there is none yet (the exchange is cancelled instead). */
        boolean cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            return s != null;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) {
                s.cancel();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            reader.line(line);
        }

        @Override
        public void onError(Throwable throwable) {
            reader.failed(throwable);
        }

        @Override
        public void onComplete() {
            reader.end();
        }
    }
}
