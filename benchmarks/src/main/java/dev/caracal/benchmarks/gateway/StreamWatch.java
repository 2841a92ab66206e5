package dev.caracal.benchmarks.gateway;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a streamed body as it arrives and notes when the bytes received so far first contain the first token's text
 * ({@link Canned#FIRST_TOKEN}): the time to first token as a client sees it, whatever the framing (a token split
 * across two reads is still found). The body is kept (a stream of a short answer is a few KB) so that the caller can
 * check that the stream ended properly; bytes beyond {@link #MAX_KEPT} are dropped (neither kept nor searched: the
 * streams measured here are far shorter).
 */
final class StreamWatch implements HttpResponse.BodySubscriber<StreamWatch.Seen> {
    /** What was received: when the first token arrived ({@link System#nanoTime()}, 0 if never) and the body. */
    record Seen(long firstTokenAt, byte[] body) {
        boolean sawFirstToken() {
            return firstTokenAt != 0;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static final int MAX_KEPT = 64 * 1024;

    private static final byte[] TOKEN = Canned.FIRST_TOKEN.getBytes(StandardCharsets.UTF_8);

    private final CompletableFuture<Seen> result = new CompletableFuture<>();
    private byte[] kept = new byte[4096];
    private int length;
    private long firstTokenAt;

    static HttpResponse.BodyHandler<Seen> handler() {
        return info -> new StreamWatch();
    }

    @Override
    public CompletionStage<Seen> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        int searched = length;
        for (ByteBuffer b : buffers) {
            int n = Math.min(b.remaining(), MAX_KEPT - length);
            if (n > kept.length - length) {
                kept = Arrays.copyOf(kept, Math.min(MAX_KEPT, Math.max(kept.length * 2, length + n)));
            }
            b.get(kept, length, n);
            length += n;
            b.position(b.limit()); // beyond MAX_KEPT: dropped
        }
        if (firstTokenAt == 0 && contains(Math.max(0, searched - TOKEN.length + 1))) {
            firstTokenAt = System.nanoTime();
        }
    }

    /** Whether the kept bytes hold the token at or after {@code from}. */
    private boolean contains(int from) {
        outer:
        for (int at = from; at <= length - TOKEN.length; at++) {
            for (int i = 0; i < TOKEN.length; i++) {
                if (kept[at + i] != TOKEN[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(new Seen(firstTokenAt, Arrays.copyOf(kept, length)));
    }
}
