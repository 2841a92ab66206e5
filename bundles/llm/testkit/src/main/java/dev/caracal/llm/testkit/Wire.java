package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.Usage;

/**
 * A provider's wire format, as far as the shared scenarios' assertions depend on it.
 *
 * @param chatPath the path of chat requests, as aimock journals them ({@code /v1/chat/completions}, ...)
 * @param apiKeyHeader the request header that carries the API key ({@code authorization}, {@code x-api-key})
 * @param answerIdPrefix how answer ids begin ({@code chatcmpl-}, {@code msg_}; the provider's own where the wire has
 *     none)
 * @param toolCallIdPrefix how tool-call ids begin ({@code call_}, {@code toolu_}; the provider's own where the wire has
 *     none)
 * @param carriesIds whether answers and tool calls carry ids on the wire; where they do not (Ollama), the provider
 *     makes its own, beginning with the prefixes above
 * @param reportsAnswerDetails whether aimock reports a fixture's token usage, answering model and finish reason on
 *     this wire (its Ollama surface answers zero tokens, the model asked for and {@code done_reason: stop})
 * @param argumentsInPieces whether a streamed tool call's arguments arrive in several deltas (Ollama sends each call
 *     whole, in one delta)
 * @param signsThinking whether the model's thinking carries a signature (Anthropic's does)
 */
public record Wire(
        String chatPath,
        String apiKeyHeader,
        String answerIdPrefix,
        String toolCallIdPrefix,
        boolean carriesIds,
        boolean reportsAnswerDetails,
        boolean argumentsInPieces,
        boolean signsThinking) {

    /** The answer id a fixture named {@code name} gives on this wire, or {@code null} where the wire has none. */
    public String answerId(String name) {
        return carriesIds ? answerIdPrefix + name : null;
    }

    /** The tool-call id a fixture named {@code name} gives on this wire, or {@code null} where the wire has none. */
    public String toolCallId(String name) {
        return carriesIds ? toolCallIdPrefix + name : null;
    }

    /** Checks the id of the answer to the fixture named {@code name}: the fixture's, or one the provider made. */
    public void assertAnswerId(String name, String actual) {
        assertId(answerId(name), answerIdPrefix, actual);
    }

    /** Checks the id of the tool call of the fixture named {@code name}: the fixture's, or one the provider made. */
    public void assertToolCallId(String name, String actual) {
        assertId(toolCallId(name), toolCallIdPrefix, actual);
    }

    /** The usage a fixture's {@code usage(input, output)} arrives as on this wire. */
    public Usage usage(int inputTokens, int outputTokens) {
        return reportsAnswerDetails ? new Usage(inputTokens, outputTokens, 0, 0) : Usage.ZERO;
    }

    private static void assertId(String expected, String prefix, String actual) {
        if (expected != null) {
            assertEquals(expected, actual);
        } else {
            assertTrue(actual != null && actual.startsWith(prefix), "an id the provider made: " + actual);
        }
    }
}
