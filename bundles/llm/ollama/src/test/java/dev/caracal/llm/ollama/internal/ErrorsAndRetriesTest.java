package dev.caracal.llm.ollama.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.testkit.ErrorsAndRetriesScenarios;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.RecordingDelayer;
import dev.caracal.llm.testkit.StreamRecorder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Failing chats: the test kit's shared scenarios, plus what Ollama's messages say (a model to pull, a server that is
 * not running).
 */
class ErrorsAndRetriesTest extends ErrorsAndRetriesScenarios<OllamaChatModel> {

    ErrorsAndRetriesTest() {
        super(OllamaUnderTest.PROVIDER);
    }

    @Override
    protected String malformedAnswer() {
        return "malformed chat answer from Ollama";
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(
                Fixture.whenUserSays("missing model")
                        .error(404, null, "model 'llama9' not found, try pulling it first"),
                Fixture.whenUserSays("too long").error(400, null, "the input length exceeds the context length"));
    }

    @Override
    protected Stream<Arguments> providerHttpErrors() {
        return Stream.of(Arguments.of(
                "too long", ErrorKind.CONTEXT_LENGTH, 400, ": the input length exceeds the context length"));
    }

    @Test
    void modelNotFoundSaysHowToPullItAndIsNotRetried() throws Exception {
        LlmException e = failsWithoutRetrying("missing model");
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals(404, e.upstreamStatus());
        assertTrue(e.getMessage().contains("model 'llama9' not found"), e.getMessage());
        assertTrue(e.getMessage().contains("ollama pull"), e.getMessage());
    }

    @Test
    void ollamaNotRunningIsAConnectionErrorThatSaysSo() throws Exception {
        String base = "http://127.0.0.1:" + ProviderTests.closedPort();
        try (OllamaChatModel offline = newModelAt(base)) {
            LlmException e = failureOf(offline, ask("hello"));
            assertEquals(ErrorKind.CONNECTION, e.kind());
            assertTrue(e.getMessage().contains(base), e.getMessage());
            assertTrue(e.getMessage().contains("is Ollama running"), e.getMessage());

            StreamRecorder events = new StreamRecorder();
            offline.stream(streamOf("hello"), events);
            events.await();
            assertEquals(1, events.events.size());
            LlmException streamed =
                    assertInstanceOf(StreamEvent.Error.class, events.last()).error();
            assertEquals(ErrorKind.CONNECTION, streamed.kind());
            assertTrue(streamed.getMessage().contains("is Ollama running"), streamed.getMessage());
        }
    }

    private static OllamaChatModel newModelAt(String base) {
        return new OllamaChatModel(OllamaUnderTest.settings(base, Map.of("maxRetries", 1)), new RecordingDelayer());
    }
}
