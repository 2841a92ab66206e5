package dev.caracal.llm.ollama.internal;

import static dev.caracal.llm.ollama.internal.TestSupport.API_KEY;
import static dev.caracal.llm.ollama.internal.TestSupport.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.testkit.CapturedStderr;
import dev.caracal.llm.testkit.FakeBundleContext;
import dev.caracal.llm.testkit.FakeBundleContext.Registered;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.RecordingDelayer;
import dev.caracal.llm.testkit.StreamRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Declarative Services component's registrations, the bearer key of an authenticating proxy, and that key staying
 * out of everything visible.
 */
class ProviderAndSecretsTest {

    private static MockUpstream upstream;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .requireApiKeys(API_KEY) // the mock plays an authenticating proxy in front of Ollama
                .fixture(Fixture.whenUserSays("hello").reply("hi"))
                .fixture(Fixture.whenUserSays("echo key").error(400, null, "bad header: Bearer " + API_KEY))
                .fixture(Fixture.whenEmbeddingInput("vector").embedding(1, 0, 0))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(upstream);
    }

    @Test
    void registersTheChatModelAndEmbeddingModelsWithoutSecrets() {
        List<Registered> registered = new ArrayList<>();
        OllamaConfig config = TestSupport.config(Map.of(
                "id",
                "home",
                "baseUrl",
                upstream.baseUrl() + "/",
                "apiKey",
                API_KEY,
                "embeddingModels",
                "nomic-embed-text:3, mxbai-embed-large"));
        OllamaProvider provider = new OllamaProvider(FakeBundleContext.recordingInto(registered), config);
        try {
            assertEquals(3, registered.size(), "chat + two embedding models (one learns its size later)");
            Registered chat = registered.get(0);
            assertEquals(ChatModel.class.getName(), chat.clazz());
            assertEquals("ollama", chat.properties().get(LlmProperties.PROVIDER));
            assertEquals("home", chat.properties().get(LlmProperties.PROVIDER_ID));
            assertEquals(EmbeddingModel.class.getName(), registered.get(1).clazz());
            assertEquals("home/nomic-embed-text", registered.get(1).properties().get(LlmProperties.EMBEDDING_MODEL));
            assertEquals(
                    "home/mxbai-embed-large", registered.get(2).properties().get(LlmProperties.EMBEDDING_MODEL));
            assertEquals("ollama", registered.get(2).properties().get(LlmProperties.PROVIDER));
            assertEquals("home", registered.get(2).properties().get(LlmProperties.PROVIDER_ID));
            for (Registered r : registered) {
                for (Object value : r.properties().values()) {
                    assertFalse(String.valueOf(value).contains(API_KEY), "key in service property " + value);
                }
                assertFalse(r.service().toString().contains(API_KEY));
            }

            ChatModel model = (ChatModel) chat.service();
            assertEquals("home", model.providerId());
            assertEquals("hi", model.complete(ask("hello")).text(), "the bearer key was accepted");
            assertTrue(upstream.journal("/api/chat").get(0).header("authorization") != null);
            EmbeddingModel embedder = (EmbeddingModel) registered.get(1).service();
            assertEquals(3, embedder.dimension());
            assertEquals(1, embedder.embed(List.of("a vector please")).vectors().size());
        } finally {
            provider.deactivate();
        }
        assertTrue(registered.stream().allMatch(r -> r.unregistered()[0]));
        ChatModel stopped = (ChatModel) registered.get(0).service();
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertThrows(LlmException.class, () -> stopped.complete(ask("hello")))
                        .kind());
    }

    @Test
    void withoutTheKeyTheProxyRefusesAndThatIsNotRetried() {
        RecordingDelayer delayer = new RecordingDelayer();
        try (OllamaChatModel model =
                new OllamaChatModel(TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 2)), delayer)) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("hello")));
            assertEquals(ErrorKind.AUTHENTICATION, e.kind());
            assertEquals(401, e.upstreamStatus());
            assertTrue(delayer.delays.isEmpty());
        }
    }

    @Test
    void anUnresolvedKeyPlaceholderMeansNoKey() {
        Settings settings = Settings.from(TestSupport.config(Map.of("id", "x", "apiKey", "${env:NOT_SET_ANYWHERE}")));
        assertFalse(settings.apiKey().isPresent());
        assertTrue(Settings.from(TestSupport.config(Map.of("id", "x", "apiKey", "k-${weird")))
                .apiKey()
                .isPresent());
    }

    @Test
    void refusesAConfigurationWithoutId() {
        OllamaConfig config = TestSupport.config(Map.of("baseUrl", upstream.baseUrl()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new OllamaProvider(FakeBundleContext.recordingInto(new ArrayList<>()), config));
    }

    @Test
    void theKeyStaysOutOfToStringsMessagesAndLogs() throws Exception {
        Settings settings = TestSupport.settings(upstream.baseUrl(), Map.of("apiKey", API_KEY, "maxRetries", 1));
        assertFalse(settings.toString().contains(API_KEY));
        assertTrue(settings.toString().contains("apiKey=(set)"));

        RecordingDelayer delayer = new RecordingDelayer();
        CapturedStderr stderr = CapturedStderr.start();
        try (OllamaChatModel model = new OllamaChatModel(settings, delayer)) {
            assertFalse(model.toString().contains(API_KEY));
            LlmException echoed = assertThrows(LlmException.class, () -> model.complete(ask("echo key")));
            assertFalse(echoed.getMessage().contains(API_KEY), echoed.getMessage());
            assertTrue(echoed.getMessage().contains("***"), echoed.getMessage());

            StreamRecorder events = new StreamRecorder();
            model.stream(TestSupport.streamOf("echo key"), events);
            events.await();
            LlmException streamed =
                    assertInstanceOf(StreamEvent.Error.class, events.last()).error();
            assertFalse(streamed.getMessage().contains(API_KEY));

            upstream.failNext(1, 503, "server_error", "retry this " + API_KEY);
            assertEquals("hi", model.complete(ask("hello")).text()); // logs the retry at debug
        } finally {
            stderr.close();
        }
        String log = stderr.text();
        assertTrue(log.contains("retry 1 of 1"), "debug logging is on in this test: " + log);
        assertFalse(log.contains(API_KEY), log);
    }
}
