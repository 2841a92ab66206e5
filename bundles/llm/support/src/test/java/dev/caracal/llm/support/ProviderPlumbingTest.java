package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamEvent;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.LoggerFactory;

/** The provider plumbing: registrations, the model-list cache, embedding helpers and the chat-model runtime. */
class ProviderPlumbingTest {

    private static final Capabilities CHAT = new Capabilities(true, true, false, false, true, 0);

    /** The service properties of a {@code registerService(type, service, properties)} call's arguments. */
    @SuppressWarnings("unchecked")
    private static Dictionary<String, Object> properties(Object[] registerServiceArguments) {
        return (Dictionary<String, Object>) registerServiceArguments[2];
    }

    /** An implementation of {@code type} that answers every call with {@code answers}. */
    private static <T> T stub(Class<T> type, InvocationHandler answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, answers));
    }

    @Test
    void registrationsCarryTheServicePropertiesAndAreTakenBack() {
        List<Object[]> registered = new ArrayList<>();
        AtomicInteger unregistered = new AtomicInteger();
        BundleContext context = stub(BundleContext.class, (proxy, method, args) -> {
            registered.add(args);
            return stub(ServiceRegistration.class, (p, m, a) -> {
                if (unregistered.incrementAndGet() == 2) {
                    throw new IllegalStateException("already gone");
                }
                return null;
            });
        });
        ProviderRegistrations registrations = new ProviderRegistrations(context, "kind", "acme");
        ChatModel chat = stub(ChatModel.class, (p, m, a) -> null);
        EmbeddingModel embedding =
                stub(EmbeddingModel.class, (p, m, a) -> m.getName().equals("name") ? "acme/e" : null);
        registrations.registerChat(chat, "chat of acme");
        registrations.registerEmbedding(embedding, "embedding of acme");
        assertEquals(2, registrations.size());
        assertSame(ChatModel.class, registered.get(0)[0]);
        Dictionary<String, Object> chatProps = properties(registered.get(0));
        assertEquals("kind", chatProps.get(LlmProperties.PROVIDER));
        assertEquals("acme", chatProps.get(LlmProperties.PROVIDER_ID));
        assertEquals("chat of acme", chatProps.get("service.description"));
        assertEquals(3, chatProps.size());
        assertSame(EmbeddingModel.class, registered.get(1)[0]);
        Dictionary<String, Object> embeddingProps = properties(registered.get(1));
        assertEquals("acme/e", embeddingProps.get(LlmProperties.EMBEDDING_MODEL));
        assertEquals("kind", embeddingProps.get(LlmProperties.PROVIDER));
        assertEquals(4, embeddingProps.size());
        registrations.unregisterAll(); // the second one is already gone: no exception
        assertEquals(2, unregistered.get());
        assertEquals(0, registrations.size());
    }

    @Test
    void theModelListIsCachedAndFallsBackBriefly() {
        AtomicInteger fetches = new AtomicInteger();
        List<ModelInfo> fetched = List.of(new ModelInfo("a", "p", CHAT));
        List<ModelInfo> configured = List.of(new ModelInfo("b", "p", CHAT));
        ModelListCache ok = new ModelListCache(
                "p",
                Duration.ofMinutes(5),
                () -> {
                    fetches.incrementAndGet();
                    return fetched;
                },
                () -> configured,
                LoggerFactory.getLogger(getClass()));
        assertSame(fetched, ok.models());
        assertSame(fetched, ok.models());
        assertEquals(1, fetches.get(), "the second answer comes from the cache");

        ModelListCache failing = new ModelListCache(
                "p",
                Duration.ZERO,
                () -> {
                    fetches.incrementAndGet();
                    throw new LlmException(ErrorKind.CONNECTION, "down");
                },
                () -> configured,
                LoggerFactory.getLogger(getClass()));
        assertSame(configured, failing.models());
        assertSame(configured, failing.models());
        assertEquals(3, fetches.get(), "a zero time to live keeps nothing, not even the fallback");
        assertThrows(
                IllegalStateException.class,
                () -> new ModelListCache(
                                "p",
                                Duration.ofMinutes(1),
                                () -> {
                                    throw new IllegalStateException("not an LlmException");
                                },
                                () -> configured,
                                LoggerFactory.getLogger(getClass()))
                        .models());

        List<ModelInfo> infos = ModelListCache.infos(List.of("x", "y", "x"), "p", id -> CHAT);
        assertEquals(List.of("x", "y"), infos.stream().map(ModelInfo::id).toList());
        assertEquals("p", infos.get(0).providerId());
    }

    @Test
    void embeddingHelpers() {
        assertEquals("acme/m", EmbeddingCalls.modelName("acme", "m"));
        List<List<String>> slices = new ArrayList<>();
        Embeddings all = EmbeddingCalls.inSlices(List.of("a", "b", "c", "d", "e"), 2, slice -> {
            slices.add(slice);
            List<float[]> vectors = new ArrayList<>();
            slice.forEach(s -> vectors.add(new float[] {s.charAt(0)}));
            return new Embeddings(vectors, slice.size() * 10L);
        });
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d"), List.of("e")), slices);
        assertEquals(5, all.vectors().size());
        assertEquals(50, all.inputTokens());
        assertArrayEquals(new float[] {'e'}, all.vectors().get(4));

        ObjectNode body = EmbeddingCalls.requestBody("m", List.of("x", "y"));
        body.put("extra", 1);
        assertEquals("{\"model\":\"m\",\"input\":[\"x\",\"y\"],\"extra\":1}", Json.write(body));
        List<String> withNull = new ArrayList<>(List.of("x"));
        withNull.add(null);
        assertEquals(
                ErrorKind.INVALID_REQUEST,
                assertThrows(LlmException.class, () -> EmbeddingCalls.requestBody("m", withNull))
                        .kind());

        assertArrayEquals(new float[] {1f, -0.5f}, EmbeddingCalls.floats(Json.tryParse("[1, -0.5]")));
        LlmException e = assertThrows(LlmException.class, () -> EmbeddingCalls.floats(Json.tryParse("[1, \"x\"]")));
        assertEquals(ErrorKind.UPSTREAM, e.kind());
        assertEquals(200, e.upstreamStatus());
    }

    @Test
    void theRuntimeRefusesEverythingOnceClosed() throws Exception {
        ProviderRuntime runtime = SupportTests.runtime(
                "x",
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)),
                d -> java.util.concurrent.CompletableFuture.completedFuture(null));
        AtomicInteger attempts = new AtomicInteger();
        assertEquals(
                "ok",
                runtime.withRetries(
                        "call",
                        () -> {
                            if (attempts.incrementAndGet() < 2) {
                                throw new LlmException(ErrorKind.UPSTREAM, "hiccup", 503, null, null);
                            }
                            return "ok";
                        },
                        LoggerFactory.getLogger(getClass())));
        assertEquals(2, attempts.get());
        assertEquals(
                List.of(2, 4),
                runtime.batch(List.of(1, 2), 0, i -> i * 2).stream()
                        .map(s -> s.toCompletableFuture().join())
                        .toList());

        List<StreamEvent> invalid = new ArrayList<>();
        runtime.stream(invalid::add, () -> {
            throw new LlmException(ErrorKind.INVALID_REQUEST, "bad request");
        });
        assertEquals(
                ErrorKind.INVALID_REQUEST,
                assertInstanceOf(StreamEvent.Error.class, invalid.get(0))
                        .error()
                        .kind());

        runtime.close();
        runtime.close(); // idempotent
        assertTrue(runtime.isClosed());
        LlmException stopped = assertThrows(LlmException.class, runtime::ensureOpen);
        assertEquals(ErrorKind.UNAVAILABLE, stopped.kind());
        assertEquals("provider x is stopped", stopped.getMessage());
        List<StreamEvent> events = new ArrayList<>();
        runtime.stream(events::add, () -> {
            throw new AssertionError("no protocol is built once closed");
        });
        assertEquals(1, events.size());
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertInstanceOf(StreamEvent.Error.class, events.get(0)).error().kind());
        ExecutionException refused = assertThrows(
                ExecutionException.class,
                () -> runtime.batch(List.of(1), 1, i -> i)
                        .get(0)
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS));
        assertEquals("provider x is stopped", refused.getCause().getMessage());
    }
}
