package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.Message;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** Shared helpers of the gateway tests. */
final class Support {
    private static final AtomicLong SERVICE_IDS = new AtomicLong();

    private Support() {}

    static GatewayComponent gateway(FakeTicker ticker) {
        GatewayComponent gw = new GatewayComponent(ticker);
        gw.configure(Settings.DEFAULTS);
        return gw;
    }

    /** Settings under which one failure opens a breaker for 10 s, doubling up to {@code maxOpenSeconds}. */
    static Settings breakerOpeningAtOnce(long maxOpenSeconds) {
        long second = TimeUnit.SECONDS.toNanos(1);
        return new Settings(1, 10 * second, maxOpenSeconds * second, 1, 0, 30 * second, true);
    }

    static ScriptedChatModel provider(GatewayComponent gw, String id, String... models) {
        ScriptedChatModel m = new ScriptedChatModel(id, models);
        bind(gw, m);
        return m;
    }

    static Map<String, Object> props(String providerId) {
        Map<String, Object> p = new HashMap<>();
        p.put(LlmProperties.PROVIDER_ID, providerId);
        p.put("service.id", SERVICE_IDS.incrementAndGet());
        return p;
    }

    static void bind(GatewayComponent gw, ScriptedChatModel m) {
        gw.bindChatModel(m, props(m.providerId()));
    }

    static void unbind(GatewayComponent gw, ScriptedChatModel m) {
        gw.unbindChatModel(m, props(m.providerId()));
    }

    static RouteConfigComponent route(GatewayComponent gw, String name, String targets, Object... more) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        p.put("targets", targets);
        p.put("service.pid", "dev.caracal.gateway.route~" + name);
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        RouteConfigComponent c = RouteConfigComponent.of(p);
        gw.bindRouteConfig(c);
        return c;
    }

    static void filter(GatewayComponent gw, GatewayFilter f, int ranking) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.ranking", ranking);
        p.put("service.id", SERVICE_IDS.incrementAndGet());
        gw.bindFilter(f, p);
    }

    static void embedding(GatewayComponent gw, EmbeddingModel m, String name, String providerId) {
        Map<String, Object> p = new HashMap<>();
        p.put(LlmProperties.EMBEDDING_MODEL, name);
        if (providerId != null) {
            p.put(LlmProperties.PROVIDER_ID, providerId);
        }
        p.put("service.id", SERVICE_IDS.incrementAndGet());
        gw.bindEmbeddingModel(m, p);
    }

    /**
     * An embedding model of provider {@code providerId} serving {@code model}, registered as a provider registers one:
     * named {@code providerId/model}.
     */
    static FakeEmbedder providerEmbedding(GatewayComponent gw, String providerId, String model) {
        FakeEmbedder m = new FakeEmbedder(providerId + "/" + model);
        embedding(gw, m, m.name(), providerId);
        return m;
    }

    /** The health of {@code target} ({@code provider/model}). */
    static TargetHealth health(GatewayComponent gw, String target) {
        return gw.health().stream()
                .filter(h -> h.target().toString().equals(target))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no target " + target + " in " + gw.health()));
    }

    /** The providers a call tried, in order. */
    static List<String> providersTried(CallContext context) {
        return context.attempts().stream().map(Attempt::providerId).toList();
    }

    static ChatRequest request(String model) {
        return new ChatRequest(model, null, List.of(Message.user("hi")), null, null, null, null, false, null);
    }

    static CallContext context() {
        return new CallContext("req-" + SERVICE_IDS.incrementAndGet(), "test", Map.of());
    }

    static CallContext context(String header, String value) {
        return new CallContext("req-" + SERVICE_IDS.incrementAndGet(), "test", Map.of(header, value));
    }

    /** The answer of an asynchronous call, waiting for it up to 10 s. */
    static ChatResponse join(CompletionStage<ChatResponse> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** What an asynchronous call failed with, unwrapped; fails the test when the call answered or took over 10 s. */
    static <T extends Throwable> T failure(Class<T> type, CompletionStage<?> stage) throws Exception {
        try {
            Object answer = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
            return fail("the call answered " + answer);
        } catch (ExecutionException e) {
            return assertInstanceOf(type, e.getCause());
        }
    }

    /**
     * Runs {@code work} on {@code threads} threads named {@code name-0}, {@code name-1}..., released together, and
     * waits for them; fails the test if one has not ended within two minutes.
     */
    static void onThreads(String name, int threads, Runnable work) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(
                    () -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        work.run();
                    },
                    name + "-" + t);
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(2));
            assertFalse(w.isAlive(), "a " + name + " hung");
        }
    }

    /** Waits up to 10 s for {@code condition}, failing the test if it never holds. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("never happened: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Records a stream's events and checks, as they arrive, that they form one well-formed stream from one thread. */
    static final class Recorder implements StreamHandler {
        final List<StreamEvent> events = new ArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final CountDownLatch firstContent = new CountDownLatch(1);
        private final AtomicInteger inside = new AtomicInteger();
        volatile String violation;

        @Override
        public void onEvent(StreamEvent event) {
            if (inside.incrementAndGet() != 1) {
                violation = "two threads in the handler at once";
            }
            try {
                synchronized (events) {
                    if (events.isEmpty()
                            && !(event instanceof StreamEvent.Start)
                            && !(event instanceof StreamEvent.Error)) {
                        violation = "first event is " + event;
                    }
                    if (!events.isEmpty() && event instanceof StreamEvent.Start) {
                        violation = "a second Start";
                    }
                    if (ended.getCount() == 0) {
                        violation = "an event after the terminal one: " + event;
                    }
                    events.add(event);
                }
                if (event instanceof StreamEvent.TextDelta || event instanceof StreamEvent.ToolCallDelta) {
                    firstContent.countDown();
                }
                if (event instanceof StreamEvent.End || event instanceof StreamEvent.Error) {
                    ended.countDown();
                }
            } finally {
                inside.decrementAndGet();
            }
        }

        void awaitEnd() throws InterruptedException {
            assertTrue(ended.await(10, TimeUnit.SECONDS), "the stream did not end: " + snapshot());
        }

        List<StreamEvent> snapshot() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            for (StreamEvent e : snapshot()) {
                if (e instanceof StreamEvent.TextDelta d) {
                    sb.append(d.text());
                }
            }
            return sb.toString();
        }

        StreamEvent last() {
            List<StreamEvent> s = snapshot();
            return s.get(s.size() - 1);
        }

        /** Exactly one Start first, one End last, and no violation. */
        void assertCompleteStream() {
            List<StreamEvent> s = snapshot();
            assertEquals(null, violation);
            assertInstanceOf(StreamEvent.Start.class, s.get(0), s.toString());
            assertInstanceOf(StreamEvent.End.class, s.get(s.size() - 1), s.toString());
            assertEquals(
                    1, s.stream().filter(e -> e instanceof StreamEvent.Start).count(), s.toString());
        }
    }
}
