package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.Message;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.support.Delayer;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Settings, configurations and recorders shared by the tests. */
final class TestSupport {

    static final String API_KEY = "sk-ant-test-Zq8vX2mK4pL9sT1uW3yB6nR0";
    static final String MODEL = "claude-sonnet-4-5";

    private TestSupport() {
    }

    /** Settings for a provider at {@code baseUrl} (the mock's root, without /v1), with overrides by name. */
    static Settings settings(String baseUrl, Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "id", "mock",
                "baseUrl", baseUrl,
                "apiKey", API_KEY,
                "maxRetries", 0,
                "requestTimeoutMs", 10_000,
                "retryBaseDelayMs", 10,
                "retryMaxDelayMs", 5_000));
        values.putAll(overrides);
        return Settings.from(config(values));
    }

    static Settings settings(String baseUrl) {
        return settings(baseUrl, Map.of());
    }

    /** A configuration as Declarative Services would build it: these values, defaults otherwise. */
    static AnthropicConfig config(Map<String, Object> values) {
        return (AnthropicConfig) Proxy.newProxyInstance(TestSupport.class.getClassLoader(),
                new Class<?>[] {AnthropicConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return AnthropicConfig.class;
                    }
                    if (method.getName().equals("toString")) {
                        return "AnthropicConfig" + values.keySet();
                    }
                    Object value = values.get(method.getName());
                    return value != null ? value : method.getDefaultValue();
                });
    }

    static ChatRequest ask(String userText) {
        return new ChatRequest(MODEL, null, List.of(Message.user(userText)), null, null, null, null, false, null);
    }

    static ChatRequest streamed(String userText) {
        return new ChatRequest(MODEL, null, List.of(Message.user(userText)), null, null, null, null, true, null);
    }

    /** Records the delays a retry would wait, and does not wait. */
    static final class RecordingDelayer implements Delayer {
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> after(Duration delay) {
            delays.add(delay);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Collects stream events; {@link #await()} waits for the End or Error event. */
    static final class Events implements StreamHandler {
        final List<StreamEvent> events = new CopyOnWriteArrayList<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private final AtomicInteger inside = new AtomicInteger();
        private volatile boolean concurrent;

        @Override
        public void onEvent(StreamEvent event) {
            if (inside.incrementAndGet() != 1) {
                concurrent = true;
            }
            try {
                if (ended.getCount() == 0) {
                    throw new AssertionError("event after the end: " + event);
                }
                events.add(event);
                if (event instanceof StreamEvent.End || event instanceof StreamEvent.Error) {
                    ended.countDown();
                }
            } finally {
                inside.decrementAndGet();
            }
        }

        Events await() throws InterruptedException {
            if (!ended.await(30, TimeUnit.SECONDS)) {
                fail("the stream did not end; events so far: " + events);
            }
            assertTrue(!concurrent, "the handler was called concurrently");
            return this;
        }

        StreamEvent last() {
            return events.get(events.size() - 1);
        }

        <T extends StreamEvent> List<T> of(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (StreamEvent e : events) {
                if (type.isInstance(e)) {
                    out.add(type.cast(e));
                }
            }
            return out;
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            of(StreamEvent.TextDelta.class).forEach(t -> sb.append(t.text()));
            return sb.toString();
        }
    }

    /** Waits until {@code condition} holds (at most ten seconds). */
    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(25);
        }
        fail("never happened: " + what);
    }
}
