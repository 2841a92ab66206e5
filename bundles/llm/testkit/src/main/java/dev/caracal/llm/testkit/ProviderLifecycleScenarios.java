package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.testkit.FakeBundleContext.Registered;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The provider's Declarative Services component and its secret: the services it registers (with their discovery
 * properties, never the key) and takes back, configurations it refuses, and the API key staying out of every
 * property, {@code toString}, message and log line. The mock accepts only the provider's key.
 *
 * @param <M> the provider's chat model
 */
public abstract class ProviderLifecycleScenarios<M extends ChatModel & AutoCloseable> extends ProviderScenarios<M> {

    /** The provider account the component is configured with. */
    protected static final String ACCOUNT = "acme";

    private static final String WRONG_KEY = "sk-wrong-key-0000";

    protected ProviderLifecycleScenarios(ProviderUnderTest<M> provider) {
        super(provider);
    }

    /** Configuration of the component beyond its id, base URL and key (embedding models, ...). */
    protected Map<String, Object> componentConfiguration() {
        return Map.of();
    }

    /**
     * The embedding models the component registers for {@link #componentConfiguration()}, in order; the first is
     * configured with 3 dimensions.
     */
    protected List<String> registeredEmbeddingModels() {
        return List.of();
    }

    @Override
    protected MockUpstream.Builder upstreamOptions(MockUpstream.Builder builder) {
        return builder.requireApiKeys(provider.apiKey());
    }

    @Override
    protected List<Fixture> scenarioFixtures() {
        return List.of(
                Fixture.whenUserSays("hello").reply("hi"),
                Fixture.whenUserSays("echo key")
                        .error(400, provider.errorType(400), "Incorrect API key provided: " + provider.apiKey() + "."),
                Fixture.whenUserSays("stream").model(provider.model()).reply("streamed"),
                Fixture.whenEmbeddingInput("vector").embedding(1, 0, 0));
    }

    private AutoCloseable activate(List<Registered> registered) {
        Map<String, Object> configuration = with(
                Map.of("id", ACCOUNT, "baseUrl", baseUrl() + "/", "apiKey", provider.apiKey()),
                componentConfiguration());
        return provider.activate(FakeBundleContext.recordingInto(registered), configuration);
    }

    @Test
    void registersItsModelsWithoutTheKeyAndTakesThemBack() throws Exception {
        List<Registered> registered = new ArrayList<>();
        try (AutoCloseable component = activate(registered)) {
            assertEquals(1 + registeredEmbeddingModels().size(), registered.size(), "the chat model first");
            Registered chat = registered.get(0);
            assertEquals(ChatModel.class.getName(), chat.clazz());
            for (Registered r : registered) {
                assertEquals(provider.kind(), r.properties().get(LlmProperties.PROVIDER));
                assertEquals(ACCOUNT, r.properties().get(LlmProperties.PROVIDER_ID));
                for (Object value : r.properties().values()) {
                    assertFalse(String.valueOf(value).contains(provider.apiKey()), "key in service property " + value);
                }
                assertFalse(r.service().toString().contains(provider.apiKey()));
            }
            ChatModel model = (ChatModel) chat.service();
            assertEquals(ACCOUNT, model.providerId());
            assertEquals("hi", model.complete(ask("hello")).text(), "the mock takes nothing but the key");
            List<JournalEntry> sent = upstream().journal(wire.chatPath());
            assertNotNull(sent.get(sent.size() - 1).header(wire.apiKeyHeader()), "the key's header");
        }
        assertTrue(registered.stream().allMatch(r -> r.unregistered()[0]));
        ChatModel stopped = (ChatModel) registered.get(0).service();
        assertEquals(ErrorKind.UNAVAILABLE, failureOf(stopped, ask("hello")).kind());
    }

    @Test
    void registersAnEmbeddingModelForEachConfiguredOne() throws Exception {
        assumeTrue(provider.hasEmbeddings(), provider.kind() + " has no embeddings API");
        List<Registered> registered = new ArrayList<>();
        try (AutoCloseable component = activate(registered)) {
            List<String> names = new ArrayList<>();
            for (Registered r : registered.subList(1, registered.size())) {
                assertEquals(EmbeddingModel.class.getName(), r.clazz());
                names.add((String) r.properties().get(LlmProperties.EMBEDDING_MODEL));
            }
            assertEquals(
                    registeredEmbeddingModels().stream()
                            .map(m -> ACCOUNT + "/" + m)
                            .toList(),
                    names);
            EmbeddingModel embedder = (EmbeddingModel) registered.get(1).service();
            assertEquals(3, embedder.dimension());
            assertEquals(1, embedder.embed(List.of("a vector please")).vectors().size());
        }
    }

    @Test
    void anUnresolvedKeyPlaceholderMeansNoKey() {
        assertFalse(provider.hasApiKey(Map.of("id", "x", "apiKey", "${env:NOT_SET_ANYWHERE}")));
        assertTrue(provider.hasApiKey(Map.of("id", "x", "apiKey", "k-${weird")));
    }

    @Test
    void refusesAConfigurationWithoutId() {
        assertThrows(
                IllegalArgumentException.class,
                () -> provider.activate(
                        FakeBundleContext.recordingInto(new ArrayList<>()), Map.of("baseUrl", baseUrl())));
    }

    @Test
    void aWrongKeyIsAuthenticationAndNotRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M wrong = newModel(Map.of("apiKey", WRONG_KEY, "maxRetries", 2), delayer)) {
            LlmException e = failureOf(wrong, ask("hello"));
            assertEquals(ErrorKind.AUTHENTICATION, e.kind());
            assertEquals(401, e.upstreamStatus());
            assertFalse(e.retryable());
            assertFalse(e.getMessage().contains(WRONG_KEY), e.getMessage());
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void withoutAKeyTheUpstreamRefusesAndThatIsNotRetried() throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        try (M none = newModel(Map.of("apiKey", "", "maxRetries", 2), delayer)) {
            LlmException e = failureOf(none, ask("hello"));
            assertEquals(ErrorKind.AUTHENTICATION, e.kind());
            assertEquals(401, e.upstreamStatus());
        }
        assertTrue(delayer.delays.isEmpty());
    }

    @Test
    void theKeyStaysOutOfToStringsMessagesAndLogs() throws Exception {
        String key = provider.apiKey();
        String settings = provider.settingsText(baseUrl(), Map.of("maxRetries", 1));
        assertFalse(settings.contains(key));
        assertTrue(settings.contains("apiKey=(set)"), settings);

        CapturedStderr stderr = CapturedStderr.start();
        try (M model = retrying(1, new RecordingDelayer())) {
            assertFalse(model.toString().contains(key));
            LlmException echoed = failureOf(model, ask("echo key"));
            assertFalse(echoed.getMessage().contains(key), echoed.getMessage());
            assertTrue(echoed.getMessage().contains("***"), echoed.getMessage());

            StreamRecorder events = new StreamRecorder();
            model.stream(streamOf("echo key"), events);
            events.await();
            LlmException streamed = StreamingScenarios.error(events);
            assertFalse(streamed.getMessage().contains(key));

            failNext(1, 503, "retry this " + key);
            assertEquals("hi", model.complete(ask("hello")).text()); // logs the retry at debug
            failNext(1, 503, "stream retry " + key);
            StreamRecorder retried = new StreamRecorder();
            model.stream(streamOf("stream it"), retried);
            retried.await();
            assertEquals("streamed", retried.text());
        } finally {
            stderr.close();
        }
        String log = stderr.text();
        assertTrue(log.contains("retry 1 of 1"), "debug logging is on in this test: " + log);
        assertTrue(log.contains("failed before its first event"), "the stream retry is logged: " + log);
        assertFalse(log.contains(key), log);
    }
}
