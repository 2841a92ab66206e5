package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.TestSupport.API_KEY;
import static dev.caracal.llm.anthropic.internal.TestSupport.ask;
import static dev.caracal.llm.anthropic.internal.TestSupport.streamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.ModelInfo;
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

/** The Declarative Services component's registration, and the API key staying out of everything visible. */
class ProviderAndSecretsTest {

    private static MockUpstream upstream;

    @BeforeAll
    static void start() {
        upstream = MockUpstream.builder()
                .requireApiKeys(API_KEY)
                .fixture(Fixture.whenUserSays("hello").reply("hi"))
                .fixture(Fixture.whenUserSays("echo key")
                        .error(400, "invalid_request_error", "Incorrect API key provided: " + API_KEY + "."))
                .fixture(Fixture.whenUserSays("stream")
                        .model("claude-sonnet-4-5")
                        .reply("streamed"))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        ProviderTests.closeAll(upstream);
    }

    @Test
    void registersTheChatModelWithoutSecrets() {
        List<Registered> registered = new ArrayList<>();
        AnthropicConfig config =
                TestSupport.config(Map.of("id", "claude-main", "baseUrl", upstream.baseUrl() + "/", "apiKey", API_KEY));
        AnthropicProvider provider = new AnthropicProvider(FakeBundleContext.recordingInto(registered), config);
        try {
            assertEquals(1, registered.size(), "a chat model only: Anthropic has no embeddings API");
            Registered chat = registered.get(0);
            assertEquals(ChatModel.class.getName(), chat.clazz());
            assertEquals("anthropic", chat.properties().get(LlmProperties.PROVIDER));
            assertEquals("claude-main", chat.properties().get(LlmProperties.PROVIDER_ID));
            for (Object value : chat.properties().values()) {
                assertFalse(String.valueOf(value).contains(API_KEY), "key in service property " + value);
            }
            assertFalse(chat.service().toString().contains(API_KEY));
            ChatModel model = (ChatModel) chat.service();
            assertEquals("claude-main", model.providerId());
            // the mock refuses requests without this key: it was sent as x-api-key
            assertEquals("hi", model.complete(ask("hello")).text());
            assertEquals(
                    List.of("claude-sonnet-4-5"),
                    model.models().stream().map(ModelInfo::id).toList(),
                    "the model list is fetched with the key too");
        } finally {
            provider.deactivate();
        }
        assertTrue(registered.get(0).unregistered()[0]);
        ChatModel stopped = (ChatModel) registered.get(0).service();
        assertEquals(
                ErrorKind.UNAVAILABLE,
                assertThrows(LlmException.class, () -> stopped.complete(ask("hello")))
                        .kind());
    }

    @Test
    void aWrongKeyIsAuthentication() {
        try (AnthropicChatModel model = new AnthropicChatModel(
                TestSupport.settings(upstream.baseUrl(), Map.of("apiKey", "sk-ant-wrong-key-0000")))) {
            LlmException e = assertThrows(LlmException.class, () -> model.complete(ask("hello")));
            assertEquals(ErrorKind.AUTHENTICATION, e.kind());
            assertEquals(401, e.upstreamStatus());
            assertFalse(e.getMessage().contains("sk-ant-wrong-key-0000"), e.getMessage());
        }
    }

    @Test
    void keyPlaceholdersResolveFromTheEnvironmentOrMeanNoKey() {
        Settings unset =
                Settings.from(TestSupport.config(Map.of("id", "x", "apiKey", "${env:CARACAL_TEST_SURELY_UNSET_42}")));
        assertFalse(unset.apiKey().isPresent());
        Settings byDefault = Settings.from(TestSupport.config(Map.of("id", "x")));
        assertEquals(
                System.getenv("ANTHROPIC_API_KEY") != null
                        && !System.getenv("ANTHROPIC_API_KEY").isBlank(),
                byDefault.apiKey().isPresent(),
                "the default ${env:ANTHROPIC_API_KEY} is looked up");
        assertEquals("https://api.anthropic.com", byDefault.baseUrl().toString());
        assertEquals("2023-06-01", byDefault.anthropicVersion());
        assertEquals(4096, byDefault.defaultMaxTokens());
        String path = System.getenv("PATH");
        if (path != null && path.length() >= 4) { // any variable that is set proves the lookup
            assertEquals(
                    path,
                    Settings.from(TestSupport.config(Map.of("id", "x", "apiKey", "${env:PATH}")))
                            .apiKey()
                            .reveal());
        }
    }

    @Test
    void refusesBadConfigurations() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new AnthropicProvider(
                        FakeBundleContext.recordingInto(new ArrayList<>()),
                        TestSupport.config(Map.of("baseUrl", upstream.baseUrl()))));
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.from(TestSupport.config(Map.of("id", "x", "baseUrl", "ftp://example.com"))));
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.from(TestSupport.config(Map.of("id", "x", "defaultMaxTokens", 0))));
    }

    @Test
    void theKeyStaysOutOfToStringsMessagesAndLogs() throws Exception {
        Settings settings = TestSupport.settings(upstream.baseUrl(), Map.of("maxRetries", 1));
        assertFalse(settings.toString().contains(API_KEY));
        assertTrue(settings.toString().contains("apiKey=(set)"));

        RecordingDelayer delayer = new RecordingDelayer();
        CapturedStderr stderr = CapturedStderr.start();
        try (AnthropicChatModel model = new AnthropicChatModel(settings, delayer)) {
            assertFalse(model.toString().contains(API_KEY));
            LlmException echoed = assertThrows(LlmException.class, () -> model.complete(ask("echo key")));
            assertFalse(echoed.getMessage().contains(API_KEY), echoed.getMessage());
            assertTrue(echoed.getMessage().contains("***"), echoed.getMessage());

            StreamRecorder events = new StreamRecorder();
            model.stream(streamed("echo key"), events);
            events.await();
            LlmException streamedError =
                    assertInstanceOf(StreamEvent.Error.class, events.last()).error();
            assertFalse(streamedError.getMessage().contains(API_KEY));

            upstream.failNext(1, 529, "overloaded_error", "retry this " + API_KEY);
            assertEquals("hi", model.complete(ask("hello")).text()); // logs the retry at debug
            upstream.failNext(1, 529, "overloaded_error", "stream retry " + API_KEY);
            StreamRecorder retried = new StreamRecorder();
            model.stream(streamed("stream it"), retried);
            retried.await();
            assertEquals("streamed", retried.text());
        } finally {
            stderr.close();
        }
        String log = stderr.text();
        assertTrue(log.contains("retry 1 of 1"), "debug logging is on in this test: " + log);
        assertTrue(log.contains("failed before its first event"), "the stream retry is logged: " + log);
        assertFalse(log.contains(API_KEY), log);
    }
}
