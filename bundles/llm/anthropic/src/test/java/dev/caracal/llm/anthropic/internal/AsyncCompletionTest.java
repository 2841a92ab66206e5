package dev.caracal.llm.anthropic.internal;

import dev.caracal.llm.testkit.AsyncCompletionScenarios;

/** {@code completeAsync} against aimock's /v1/messages: the test kit's shared scenarios, for Anthropic. */
class AsyncCompletionTest extends AsyncCompletionScenarios<AnthropicChatModel> {

    AsyncCompletionTest() {
        super(AnthropicUnderTest.PROVIDER);
    }
}
