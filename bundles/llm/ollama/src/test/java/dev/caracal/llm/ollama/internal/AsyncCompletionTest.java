package dev.caracal.llm.ollama.internal;

import static dev.caracal.llm.testkit.ProviderTests.assertSameFailure;
import static dev.caracal.llm.testkit.ProviderTests.failureAsync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.testkit.AsyncCompletionScenarios;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.RecordingDelayer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code completeAsync} against aimock's /api/chat: the test kit's shared scenarios, plus Ollama not running. */
class AsyncCompletionTest extends AsyncCompletionScenarios<OllamaChatModel> {

    AsyncCompletionTest() {
        super(OllamaUnderTest.PROVIDER);
    }

    @Test
    void ollamaNotRunningSaysSoAsCompleteDoes() {
        String base = "http://127.0.0.1:" + ProviderTests.closedPort();
        RecordingDelayer delayer = new RecordingDelayer();
        try (OllamaChatModel offline =
                new OllamaChatModel(OllamaUnderTest.settings(base, Map.of("maxRetries", 1)), delayer)) {
            LlmException e = failureAsync(offline, ask("hello"));
            assertEquals(ErrorKind.CONNECTION, e.kind());
            assertTrue(e.getMessage().contains("is Ollama running"), e.getMessage());
            assertTrue(e.getMessage().contains(base), e.getMessage());
            assertSameFailure(failureOf(offline, ask("hello")), e);
        }
        assertEquals(2, delayer.delays.size(), "retried once, by each of the two calls");
    }
}
