package dev.caracal.llm.support;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The transport of a provider's calls: {@link #exchange} sends one request and reads the whole answer
 * ({@link HttpCalls#send}, {@link HttpCalls#sendAsync}); {@link #stream} reads an answer line by line as it arrives
 * ({@link StreamingCall}). The request is described as a {@link HttpRequest} whatever the transport: its method, URI,
 * headers and an in-memory body (a {@link HttpRequest.BodyPublishers#ofString} or {@code ofByteArray} publisher); its
 * own timeout is not used, the callers time the call. Made by {@link HttpCalls#newExchanger}; implemented in this
 * package only. Thread-safe.
 */
@ProviderType
public interface Exchanger extends AutoCloseable {

    /**
     * Sends {@code request}: the returned future completes with the body of a 2xx answer read as UTF-8, or fails with
     * what {@code errors} makes of another status, or with an I/O failure mapped by {@link HttpErrors#fromThrowable}
     * ({@code secret} redacted from its message). Completing the returned future first (a timeout, a cancel) aborts the
     * exchange. A request the transport cannot send gives a future already failed with the reason.
     */
    CompletableFuture<String> exchange(HttpRequest request, Secret secret, HttpCalls.ErrorMapper errors);

    /**
     * Sends {@code request} and hands its answer to {@code reader} as it arrives: first its head, then, if the reader
     * asks for lines, each line of the body (split at LF, CR or CRLF, decoded as UTF-8) and the end; otherwise the whole
     * body. The reader's methods are called one at a time, in order, on threads that may block briefly (writing an event
     * to a slow client holds up this stream only, not the transport). Exactly one of {@link LineReader#end},
     * {@link LineReader#whole} or {@link LineReader#failed} comes last, unless the exchange was cancelled first. A
     * request written on a connection the upstream was closing is sent again, before any answer, as
     * {@link #exchange} does. A request the transport cannot send is thrown.
     *
     * @since 1.7
     */
    Reading stream(HttpRequest request, LineReader reader);

    /** Ends the calls in flight (they fail) and releases the connections and threads. */
    @Override
    void close();

    /** What a streamed answer is told, one call at a time. */
    @ConsumerType
    interface LineReader {

        /** The answer's status and headers: {@code true} to read the body line by line, {@code false} whole. */
        boolean head(HttpResponse.ResponseInfo head);

        /** One line of the body, without its terminator. */
        void line(String line);

        /** The body read line by line ended (a last line without a terminator came before it as a line). */
        void end();

        /** The body read whole, as UTF-8. */
        void whole(String body);

        /** The exchange failed (before or during the body): the transport's own exception. */
        void failed(Throwable failure);
    }

    /** A streamed exchange in flight. */
    @ProviderType
    interface Reading {

        /** Aborts the exchange and closes its connection; the reader may still be told it failed. Idempotent. */
        void cancel();
    }
}
