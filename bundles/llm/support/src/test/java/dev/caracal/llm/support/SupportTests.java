package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What the support library's tests share: failures as a provider maps them, the outcome of a future, a provider
 * runtime and a delayer that does not wait. (The provider bundles' tests have caracal-llm-testkit; it depends on this
 * bundle, so these tests cannot use it.)
 */
final class SupportTests {

    private SupportTests() {}

    /** An HTTP failure as a provider maps it: {@code kind}, "HTTP <status>", the status and the retry hint. */
    static LlmException http(int status, ErrorKind kind, Duration retryAfter) {
        return new LlmException(kind, "HTTP " + status, status, retryAfter, null);
    }

    /** What {@code stage} failed with (within 10 s), unwrapped from the {@link ExecutionException}. */
    static Throwable failureOf(CompletionStage<?> stage) {
        CompletableFuture<?> future = stage.toCompletableFuture();
        return assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS))
                .getCause();
    }

    /**
     * A runtime for the provider {@code id} (threads named {@code caracal-test-<id>}): its own HTTP client, a 5 s
     * request timeout, no secret, at most two requests at once.
     */
    static ProviderRuntime runtime(String id, RetryPolicy retries, Delayer delayer) {
        return new ProviderRuntime(
                "caracal-test-" + id,
                "Test provider " + id,
                id,
                new JdkExchanger(HttpClient.newHttpClient()),
                retries,
                delayer,
                Duration.ofSeconds(5),
                Secret.NONE,
                2);
    }

    /** A {@link Delayer} that records the delays asked for and never waits. */
    static final class RecordingDelayer implements Delayer {
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> after(Duration delay) {
            delays.add(delay);
            return CompletableFuture.completedFuture(null);
        }
    }
}
