package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Small helpers the provider bundles' tests share. */
public final class ProviderTests {

    private ProviderTests() {}

    /**
     * A configuration annotation instance as Declarative Services would build it: the values of {@code values} by
     * method name, the annotation's defaults otherwise ({@code null} for a method without one).
     */
    public static <A> A config(Class<A> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("annotationType")) {
                return type;
            }
            if (method.getName().equals("toString")) {
                return type.getSimpleName() + values.keySet();
            }
            Object value = values.get(method.getName());
            return value != null ? value : method.getDefaultValue();
        }));
    }

    /** Waits until {@code condition} holds (at most ten seconds, polling every 25 ms); fails otherwise. */
    public static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(25);
        }
        fail("never happened: " + what);
    }

    /**
     * Checks a batch's stages (each waited for at most 30 s): the one at {@code badIndex} failed with an
     * {@code INVALID_REQUEST} {@link LlmException}, every other answered {@code text}.
     */
    public static void assertBatchResults(List<CompletionStage<ChatResponse>> results, int badIndex, String text)
            throws Exception {
        for (int i = 0; i < results.size(); i++) {
            CompletableFuture<ChatResponse> f = results.get(i).toCompletableFuture();
            if (i == badIndex) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
                assertEquals(
                        ErrorKind.INVALID_REQUEST,
                        assertInstanceOf(LlmException.class, e.getCause()).kind());
            } else {
                assertEquals(text, f.get(30, TimeUnit.SECONDS).text());
            }
        }
    }

    /** Closes each of {@code resources} that is not {@code null}, in order (a test class's models, then its mock). */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                resource.close();
            }
        }
    }

    /**
     * Configuration values for a provider under test: no retries, a 10 s request timeout, retry delays of 10 ms to
     * 5 s, then {@code base} (id, base URL, key, ...), then {@code overrides}, each overriding what came before.
     * A new mutable map.
     */
    public static Map<String, Object> testConfigValues(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "maxRetries", 0,
                "requestTimeoutMs", 10_000,
                "retryBaseDelayMs", 10,
                "retryMaxDelayMs", 5_000));
        values.putAll(base);
        values.putAll(overrides);
        return values;
    }

    /** The answer of {@code model.completeAsync(request)}, waited for at most 30 s. */
    public static ChatResponse answerAsync(ChatModel model, ChatRequest request) throws Exception {
        return model.completeAsync(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The {@link LlmException} that {@code model.completeAsync(request)} fails with (within 30 s). */
    public static LlmException failureAsync(ChatModel model, ChatRequest request) {
        CompletableFuture<ChatResponse> call = model.completeAsync(request).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(LlmException.class, e.getCause());
    }

    /** Two failures a client cannot tell apart: kind, message, upstream status and retry hint. */
    public static void assertSameFailure(LlmException expected, LlmException actual) {
        assertEquals(expected.kind(), actual.kind());
        assertEquals(expected.getMessage(), actual.getMessage());
        assertEquals(expected.upstreamStatus(), actual.upstreamStatus());
        assertEquals(expected.retryAfter(), actual.retryAfter());
    }

    /** A local port nothing listens on (bound, then released): a connection to it is refused. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }
}
