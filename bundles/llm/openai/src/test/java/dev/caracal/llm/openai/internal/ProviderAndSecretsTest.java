package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.openai.internal.TestSupport.API_KEY;
import static dev.caracal.llm.openai.internal.TestSupport.ask;
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

/** The Declarative Services component's registrations, and the API key staying out of everything visible. */
class ProviderAndSecretsTest {

    private static MockUpstream upstream;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .requireApiKeys(API_KEY)
                .fixture(Fixture.whenUserSays("hello").reply("hi"))
                .fixture(Fixture.whenUserSays("echo key")
                        .error(400, "invalid_request_error", "Incorrect API key provided: " + API_KEY + "."))
                .fixture(Fixture.whenEmbeddingInput("vector").embedding(1, 0, 0, 0))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(upstream);
    }

    @Test
    void registersTheChatModelAndEmbeddingModelsWithoutSecrets() throws Exception {
        List<Registered> registered = new ArrayList<>();
        OpenAiConfig config = TestSupport.config(Map.of(
                "id",
                "acme",
                "baseUrl",
                upstream.openAiBaseUrl() + "/",
                "apiKey",
                API_KEY,
                "organization",
                "org-1",
                "embeddingModels",
                "mock-embed:4, unknown-embed"));
        OpenAiProvider provider = new OpenAiProvider(FakeBundleContext.recordingInto(registered), config);
        try {
            assertEquals(2, registered.size(), "chat + one embedding model (unknown-embed has no dimensions)");
            Registered chat = registered.get(0);
            assertEquals(ChatModel.class.getName(), chat.clazz());
            assertEquals("openai", chat.properties().get(LlmProperties.PROVIDER));
            assertEquals("acme", chat.properties().get(LlmProperties.PROVIDER_ID));
            Registered embedding = registered.get(1);
            assertEquals(EmbeddingModel.class.getName(), embedding.clazz());
            assertEquals("acme/mock-embed", embedding.properties().get(LlmProperties.EMBEDDING_MODEL));
            for (Registered r : registered) {
                for (Object value : r.properties().values()) {
                    assertFalse(String.valueOf(value).contains(API_KEY), "key in service property " + value);
                }
                assertFalse(r.service().toString().contains(API_KEY));
            }

            ChatModel model = (ChatModel) chat.service();
            assertEquals("acme", model.providerId());
            assertEquals("hi", model.complete(ask("gpt-4o", "hello")).text());
            EmbeddingModel embedder = (EmbeddingModel) embedding.service();
            assertEquals(4, embedder.dimension());
            assertEquals(1, embedder.embed(List.of("a vector please")).vectors().size());
        } finally {
            provider.deactivate();
        }
        assertTrue(registered.stream().allMatch(r -> r.unregistered()[0]));
        ChatModel stopped = (ChatModel) registered.get(0).service();
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertThrows(LlmException.class, () -> stopped.complete(ask("gpt-4o", "hello")))
                        .kind());
    }

    @Test
    void anUnresolvedKeyPlaceholderMeansNoKey() {
        Settings settings = Settings.from(TestSupport.config(Map.of("id", "x", "apiKey", "${env:NOT_SET_ANYWHERE}")));
        assertFalse(settings.hasApiKey());
        assertTrue(Settings.from(TestSupport.config(Map.of("id", "x", "apiKey", "sk-${weird")))
                .hasApiKey());
    }

    @Test
    void refusesAConfigurationWithoutId() {
        OpenAiConfig config = TestSupport.config(Map.of("baseUrl", upstream.openAiBaseUrl()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new OpenAiProvider(FakeBundleContext.recordingInto(new ArrayList<>()), config));
    }

    @Test
    void theKeyStaysOutOfToStringsMessagesAndLogs() throws Exception {
        Settings settings = TestSupport.settings(upstream.openAiBaseUrl(), Map.of("maxRetries", 1));
        assertFalse(settings.toString().contains(API_KEY));
        assertTrue(settings.toString().contains("apiKey=(set)"));

        RecordingDelayer delayer = new RecordingDelayer();
        CapturedStderr stderr = CapturedStderr.start();
        try (OpenAiChatModel model = new OpenAiChatModel(settings, delayer)) {
            assertFalse(model.toString().contains(API_KEY));
            LlmException echoed = assertThrows(LlmException.class, () -> model.complete(ask("gpt-4o", "echo key")));
            assertFalse(echoed.getMessage().contains(API_KEY), echoed.getMessage());
            assertTrue(echoed.getMessage().contains("***"), echoed.getMessage());

            StreamRecorder events = new StreamRecorder();
            model.stream(
                    new dev.caracal.llm.ChatRequest(
                            "gpt-4o",
                            null,
                            List.of(dev.caracal.llm.Message.user("echo key")),
                            null,
                            null,
                            null,
                            null,
                            true,
                            null),
                    events);
            events.await();
            LlmException streamed =
                    assertInstanceOf(StreamEvent.Error.class, events.last()).error();
            assertFalse(streamed.getMessage().contains(API_KEY));

            upstream.failNext(1, 503, "server_error", "retry this " + API_KEY);
            assertEquals("hi", model.complete(ask("gpt-4o", "hello")).text()); // logs the retry at debug
        } finally {
            stderr.close();
        }
        String log = stderr.text();
        assertTrue(log.contains("retry 1 of 1"), "debug logging is on in this test: " + log);
        assertFalse(log.contains(API_KEY), log);
    }
}
